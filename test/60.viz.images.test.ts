import { describe, expect, it } from 'vitest';
import { TEST_FUNCTIONS, frameSteps, renderContourPlot, renderRaceGif, runRace, svgToPng, svgToRgba, type RacePath } from 'simdtrain';
import { walkGif } from './helpers/gif';
import { PNG_SIGNATURE, colorDistance, decodePng, hexRgb, ihdrSize, pixelAt } from './helpers/png';

/** A straight 10-step path from `a` to `b` (the figures only need the points). */
function straightPath(label: string, a: [number, number], b: [number, number], color?: string): RacePath {
  const points = Array.from({ length: 11 }, (_, k) => [a[0] + ((b[0] - a[0]) * k) / 10, a[1] + ((b[1] - a[1]) * k) / 10] as const);
  return { label, color, points, values: points.map(([x, y]) => TEST_FUNCTIONS.rosenbrock.value(x, y)), diverged: false, distanceToMinimum: null };
}

describe('contour plot images', () => {
  it('renders a PNG with the right signature and IHDR size; paths land where the layout says', () => {
    const path = straightPath('probe', [-1.5, 2.5], [-0.5, 2.5], '#0072B2');
    const { svg, layout } = renderContourPlot({ fn: 'rosenbrock', paths: [path], size: 500 });
    const png = svgToPng(svg);
    expect(Array.from(png.subarray(0, 8))).toEqual(PNG_SIGNATURE);
    expect(ihdrSize(png)).toEqual({ chunk: 'IHDR', width: 500, height: layout.height });
    expect(layout.height).toBe(layout.plot.height + 90);
    const img = decodePng(png);
    // The middle of the drawn segment is in the path colour.
    const px = layout.x.toPx(-1.05);
    const py = layout.y.toPx(2.5);
    expect(colorDistance(pixelAt(img, px, py), hexRgb('#0072B2'))).toBeLessThan(20);
    // Data coordinates map to the plot square's corners.
    expect(layout.x.toPx(-2)).toBe(layout.plot.left);
    expect(layout.y.toPx(-1)).toBe(layout.plot.top + layout.plot.height);
  });

  it('text renders (the title row has dark pixels; an empty title row does not)', () => {
    const withTitle = svgToRgba(`<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><rect width="200" height="40" fill="#fff"/><text x="10" y="28" font-family="DejaVu Sans" font-size="20">Title</text></svg>`);
    const empty = svgToRgba(`<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><rect width="200" height="40" fill="#fff"/></svg>`);
    const dark = (d: Uint8Array) => { let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] < 100) n++; return n; };
    expect(dark(withTitle.data)).toBeGreaterThan(50);
    expect(dark(empty.data)).toBe(0);
  });

  it('bad plot options throw errors naming them', () => {
    expect(() => renderContourPlot({ fn: 'rosenbrock', size: 200 })).toThrow(/'size' must be an integer from 360 to 4000/);
    expect(() => renderContourPlot({ fn: 'rosenbrock', size: 500.5 })).toThrow(RangeError);
    expect(() => renderContourPlot({ fn: 'rosenbrock', levels: 1 })).toThrow(/'levels'/);
    expect(() => renderContourPlot({ fn: 'nope' })).toThrow(/'fn'/);
  });
});

describe('race GIFs', () => {
  const paths = [straightPath('a', [-1.2, 1], [1, 1]), straightPath('b', [-1.2, 1], [0, 0])];

  it('is a GIF89a of the plot size with one image descriptor per frame step', () => {
    const gif = renderRaceGif({ fn: 'rosenbrock', paths, size: 400, frames: 6, delay: 50, hold: 1000 });
    const info = walkGif(gif);
    const { layout } = renderContourPlot({ fn: 'rosenbrock', paths, size: 400 });
    expect(info.signature).toBe('GIF89a');
    expect([info.width, info.height]).toEqual([400, layout.height]);
    expect(info.frames).toBe(frameSteps(10, 6).length);
    expect(info.frames).toBe(6);
    expect(info.delays).toEqual([50, 50, 50, 50, 50, 1000]);
    expect(info.trailerAtEnd).toBe(true);
    for (const s of info.frameSizes) expect(s).toEqual([400, layout.height]);
  });

  it('defaults to one frame per step for short races', () => {
    expect(walkGif(renderRaceGif({ fn: 'rosenbrock', paths, size: 360 })).frames).toBe(11);
  });

  it('bad GIF options throw errors naming them', () => {
    expect(() => renderRaceGif({ fn: 'rosenbrock', paths: [] })).toThrow(/'paths'/);
    expect(() => renderRaceGif({ fn: 'rosenbrock', paths, frames: 1 })).toThrow(/'frames'/);
    expect(() => renderRaceGif({ fn: 'rosenbrock', paths, delay: 0 })).toThrow(/'delay'/);
  });
});

describe('race runner', () => {
  // A test double that records the gradient it is handed and takes a plain
  // gradient step, to check what the runner feeds optimizers.
  const recorder = (lr: number, seen: number[][]) => ({
    label: `gd ${lr}`,
    create: ([p]: Array<{ data: Float32Array; grad: Float32Array }>) => ({
      step() {
        seen.push([p.data[0], p.data[1], p.grad[0], p.grad[1]]);
        p.data[0] -= lr * p.grad[0];
        p.data[1] -= lr * p.grad[1];
      },
    }),
  });

  it('writes the analytic gradient at the current point before every step; paths start at the start', () => {
    const seen: number[][] = [];
    const race = runRace({ fn: 'beale', optimizers: [recorder(1e-3, seen)], steps: 5, start: [1, 1.5] });
    const path = race.paths[0];
    expect(path.points).toHaveLength(6);
    expect(path.points[0]).toEqual([1, 1.5]);
    expect(seen).toHaveLength(5);
    for (const [x, y, gx, gy] of seen) {
      const [ex, ey] = TEST_FUNCTIONS.beale.gradient(x, y);
      expect(gx).toBe(Math.fround(ex));
      expect(gy).toBe(Math.fround(ey));
    }
    expect(path.values[0]).toBe(TEST_FUNCTIONS.beale.value(1, 1.5));
    expect(path.distanceToMinimum).toBeCloseTo(Math.hypot(path.points[5][0] - 3, path.points[5][1] - 0.5), 12);
  });

  it('uses the function start by default and cuts a diverging run', () => {
    const race = runRace({ fn: 'rosenbrock', optimizers: [recorder(1, [])], steps: 50 });
    expect(race.start).toEqual([-1.2, 1]);
    expect(race.paths[0].diverged).toBe(true);
    expect(race.paths[0].points.length).toBeLessThan(51);
    expect(race.paths[0].distanceToMinimum).toBeNull();
  });

  it('bad race options throw errors naming them', () => {
    const o = [recorder(0.1, [])];
    expect(() => runRace({ fn: 'ackley', optimizers: o, steps: 5 })).toThrow(/'fn'/);
    expect(() => runRace({ fn: 'beale', optimizers: o, steps: 0 })).toThrow(/'steps' must be an integer from 1/);
    expect(() => runRace({ fn: 'beale', optimizers: o, steps: -3 })).toThrow(RangeError);
    expect(() => runRace({ fn: 'beale', optimizers: o, steps: '5' as unknown as number })).toThrow(TypeError);
    expect(() => runRace({ fn: 'beale', optimizers: [], steps: 5 })).toThrow(/'optimizers'/);
    expect(() => runRace({ fn: 'beale', optimizers: o, steps: 5, start: [1, NaN] })).toThrow(/'start'/);
  });
});
