import { describe, expect, it } from 'vitest';
import { TEST_FUNCTIONS, contourLevels, contourLines, frameSteps, getTestFunction, linearScale, logScale, niceLinearTicks, sampleGrid } from 'simdtrain';

describe('test functions', () => {
  for (const fn of Object.values(TEST_FUNCTIONS)) {
    it(`${fn.name}: analytic gradient matches central differences`, () => {
      const pts = [[0.3, -0.7], [1.1, 0.4], [-1.3, 1.7], [2.2, -0.2], [fn.start[0], fn.start[1]]];
      for (const [x, y] of pts) {
        const h = 1e-6;
        const [gx, gy] = fn.gradient(x, y);
        const nx = (fn.value(x + h, y) - fn.value(x - h, y)) / (2 * h);
        const ny = (fn.value(x, y + h) - fn.value(x, y - h)) / (2 * h);
        expect(Math.abs(gx - nx)).toBeLessThan(1e-4 * (1 + Math.abs(nx)));
        expect(Math.abs(gy - ny)).toBeLessThan(1e-4 * (1 + Math.abs(ny)));
      }
    });
    if (fn.minimum) {
      it(`${fn.name}: f is 0 with a zero gradient at the minimum ${fn.minimum}`, () => {
        const [mx, my] = fn.minimum!;
        expect(fn.value(mx, my)).toBeCloseTo(0, 12);
        const [gx, gy] = fn.gradient(mx, my);
        expect(Math.hypot(gx, gy)).toBeLessThan(1e-10);
        expect(fn.value(mx + 0.1, my - 0.05)).toBeGreaterThan(0);
      });
    }
  }

  it('the saddle has zero gradient at the origin and falls away along y', () => {
    const s = TEST_FUNCTIONS.saddle;
    expect(Math.hypot(...s.gradient(0, 0))).toBe(0);
    expect(s.value(0, 0.5)).toBeLessThan(0);
    expect(s.value(0.5, 0)).toBeGreaterThan(0);
  });

  it('unknown function names give a RangeError naming fn', () => {
    expect(() => getTestFunction('himmelblau')).toThrow(RangeError);
    expect(() => getTestFunction('himmelblau')).toThrow(/'fn' must be one of beale, rosenbrock, saddle, rastrigin/);
    expect(() => getTestFunction(42 as unknown as string)).toThrow(TypeError);
  });
});

describe('marching squares', () => {
  it('a level set of x² + y² is one closed circle of the right radius', () => {
    const grid = sampleGrid((x, y) => x * x + y * y, [-2, 2], [-2, 2], 80, 80);
    const lines = contourLines(grid, 1);
    expect(lines).toHaveLength(1);
    const line = lines[0];
    expect(line[0]).toEqual(line[line.length - 1]); // closed
    expect(line.length).toBeGreaterThan(100);
    for (const [x, y] of line) expect(Math.abs(Math.hypot(x, y) - 1)).toBeLessThan(0.005);
  });

  it('a straight level set of x is one open line at that x', () => {
    const grid = sampleGrid((x) => x, [0, 1], [0, 1], 10, 7);
    const lines = contourLines(grid, 0.35);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toHaveLength(8); // one point per horizontal grid line
    for (const [x] of lines[0]) expect(x).toBeCloseTo(0.35, 12);
    expect(lines[0].map(([, y]) => y).sort((a, b) => a - b)).toEqual(Array.from({ length: 8 }, (_, j) => j / 7));
  });

  it('the saddle x² − y² at level 0 gives the two diagonals (ambiguous cells resolved)', () => {
    const grid = sampleGrid((x, y) => x * x - y * y, [-1, 1], [-1, 1], 41, 41);
    const lines = contourLines(grid, 1e-9);
    const pts = lines.flat();
    expect(pts.length).toBeGreaterThan(60);
    for (const [x, y] of pts) expect(Math.abs(Math.abs(x) - Math.abs(y))).toBeLessThan(0.01);
  });

  it('two separate bumps give two loops', () => {
    const f = (x: number, y: number) => Math.exp(-((x - 1) ** 2 + y * y) * 4) + Math.exp(-((x + 1) ** 2 + y * y) * 4);
    expect(contourLines(sampleGrid(f, [-2, 2], [-1, 1], 80, 40), 0.5)).toHaveLength(2);
  });

  it('contour levels: log-spaced levels grow by a constant factor', () => {
    const grid = sampleGrid((x, y) => 1 + x * x + y * y, [-10, 10], [-10, 10], 20, 20);
    const levels = contourLevels(grid, 10, true);
    expect(levels).toHaveLength(10);
    const ratios = levels.slice(1).map((v, i) => v / levels[i]);
    for (const r of ratios) expect(r).toBeCloseTo(ratios[0], 9);
    expect(levels[0]).toBeCloseTo(1, 9);
    const lin = contourLevels(grid, 4, false);
    expect(lin.map((v) => Math.round(v * 1e9) / 1e9)).toEqual([41, 81, 121, 161]);
  });
});

describe('scales', () => {
  it('linear ticks are nice numbers that cover the data', () => {
    expect(niceLinearTicks(0.13, 0.97, 5)).toMatchObject({ min: 0, max: 1, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1] });
    expect(niceLinearTicks(1, 20, 5).ticks).toEqual([0, 5, 10, 15, 20]);
    expect(niceLinearTicks(-4.5, 4.5, 6).ticks).toEqual([-6, -4, -2, 0, 2, 4, 6]);
  });

  it('a linear scale maps its ends to its pixel ends; without rounding out it keeps the range', () => {
    const s = linearScale(-4.5, 4.5, 100, 500, 6, false);
    expect([s.min, s.max, s.toPx(-4.5), s.toPx(4.5), s.toPx(0)]).toEqual([-4.5, 4.5, 100, 500, 300]);
    expect(s.ticks).toEqual([-4, -2, 0, 2, 4]);
  });

  it('a log scale rounds out to decades and spaces decades evenly', () => {
    const s = logScale(0.03, 2.5, 300, 0);
    expect(s.min).toBeCloseTo(0.01, 12);
    expect(s.max).toBeCloseTo(10, 12);
    expect(s.toPx(0.01)).toBeCloseTo(300, 9);
    expect(s.toPx(0.1)).toBeCloseTo(200, 9);
    expect(s.toPx(1)).toBeCloseTo(100, 9);
    expect(s.ticks).toEqual([0.01, 0.1, 1, 10]);
    // Under three decades, 2× and 5× ticks fill in.
    expect(logScale(0.15, 8, 300, 0).ticks).toEqual([0.1, 0.2, 0.5, 1, 2, 5, 10]);
    expect(() => logScale(0, 1, 0, 1)).toThrow(RangeError);
  });

  it('GIF frame steps run from 0 to the last step without repeats', () => {
    expect(frameSteps(100, 5)).toEqual([0, 25, 50, 75, 100]);
    expect(frameSteps(3, 10)).toEqual([0, 1, 2, 3]);
  });
});
