/**
 * Contour plots of a 2-D test function with optimizer paths on top: a pale
 * banded background, marching-squares contour lines, axes, start and minimum
 * markers, and a legend. Split into a static layer and a per-step overlay so
 * animation frames reuse the static part.
 * @packageDocumentation
 */
import { PNG } from 'pngjs';
import { drawAxes, legendRow, type Rect } from './axes';
import { contourLevels, contourLines, sampleGrid } from './contour';
import { rampColor, rgbToHex, seriesColor } from './palette';
import type { RacePath } from './race';
import { linearScale, type Scale } from './scale';
import { el, polylinePath, svgDocument, text } from './svg';
import { getTestFunction, type Point, type TestFunction } from './testFunctions';
import { checkInteger } from './validate';

/** Options of {@link renderContourPlot}. */
export interface ContourPlotOptions {
  /** Test function or its name. */
  fn: string | TestFunction;
  /** Optimizer paths to draw (from a race); none draws only the surface. */
  paths?: RacePath[];
  /** Image width in pixels, 360 to 4000 (default 640); the height follows (square plot area). */
  size?: number;
  /** Number of contour levels, 3 to 100 (default: the function's own, else 20). */
  levels?: number;
  /** Title (default: the function's title). */
  title?: string;
  /** Start point marker (default: the first point of the first path, else the function's start). */
  start?: Point;
}

/** Pixel geometry of a contour plot, for callers that place things on it. */
export interface SurfaceLayout {
  /** Image width. */
  width: number;
  /** Image height. */
  height: number;
  /** The square plot area. */
  plot: Rect;
  /** x scale (data → px). */
  x: Scale;
  /** y scale (data → px, upwards). */
  y: Scale;
}

/** A contour plot split for animation: `base` never changes, `overlay(step)` draws the paths so far. */
export interface SurfaceLayers {
  /** Geometry. */
  layout: SurfaceLayout;
  /** Static SVG elements (background, contours, axes, title). */
  base: string[];
  /** SVG elements for the paths up to `step` (clamped to each path's length), markers and legend. */
  overlay(step: number): string[];
}

const LEGEND_WIDTH = 170;
const MARGIN = { left: 58, top: 40, bottom: 50, right: 14 };

/** Resolves options and builds the static layer and the overlay function. */
export function surfaceLayers(options: ContourPlotOptions): SurfaceLayers {
  const fn = getTestFunction(options.fn);
  const width = checkInteger('size', options.size ?? 640, 360, 4000);
  const levelCount = checkInteger('levels', options.levels ?? fn.levels ?? 20, 3, 100);
  const paths = options.paths ?? [];
  const side = width - MARGIN.left - MARGIN.right - LEGEND_WIDTH;
  const plot: Rect = { left: MARGIN.left, top: MARGIN.top, width: side, height: side };
  const height = MARGIN.top + side + MARGIN.bottom;
  const x = linearScale(fn.domain.x[0], fn.domain.x[1], plot.left, plot.left + side, 6, false);
  const y = linearScale(fn.domain.y[0], fn.domain.y[1], plot.top + side, plot.top, 6, false);
  const layout: SurfaceLayout = { width, height, plot, x, y };

  const grid = sampleGrid((a, b) => fn.value(a, b), fn.domain.x, fn.domain.y, 160, 160);
  const levels = contourLevels(grid, levelCount, fn.logLevels);
  const base: string[] = [
    el('defs', {}, el('clipPath', { id: 'plot-area' }, el('rect', { x: plot.left, y: plot.top, width: side, height: side }))),
    el('image', { x: plot.left, y: plot.top, width: side, height: side, 'xlink:href': bandImage(fn, levels, side), preserveAspectRatio: 'none' }),
    el('g', { 'clip-path': 'url(#plot-area)', fill: 'none', 'stroke-width': 0.8 }, levels.map((level, k) => contourPath(grid, level, k / levels.length, x, y))),
    ...drawAxes(plot, x, y, { xLabel: 'x', yLabel: 'y', title: options.title ?? fn.title, grid: false }),
  ];
  const start = options.start ?? paths[0]?.points[0] ?? fn.start;
  const overlay = (step: number) => drawOverlay(fn, paths, step, layout, start);
  return { layout, base, overlay };
}

/** A rendered contour plot. */
export interface ContourPlot {
  /** Complete SVG document. */
  svg: string;
  /** Geometry used. */
  layout: SurfaceLayout;
}

/**
 * Renders the contour plot of `fn` with every path drawn in full.
 *
 * @example
 * ```ts
 * const race = runOptimizerRace({ fn: 'rosenbrock', steps: 500 });
 * const { svg } = renderContourPlot({ fn: 'rosenbrock', paths: race.paths });
 * fs.writeFileSync('rosenbrock.png', svgToPng(svg));
 * ```
 */
export function renderContourPlot(options: ContourPlotOptions): ContourPlot {
  const layers = surfaceLayers(options);
  const longest = Math.max(0, ...(options.paths ?? []).map((p) => p.points.length - 1));
  const { width, height } = layers.layout;
  return { svg: svgDocument(width, height, [...layers.base, ...layers.overlay(longest)]), layout: layers.layout };
}

/** The pale background: each pixel coloured by the band its value falls in. */
function bandImage(fn: TestFunction, levels: number[], side: number): string {
  const n = Math.max(1, Math.round(side));
  const png = new PNG({ width: n, height: n });
  const [x0, x1] = fn.domain.x;
  const [y0, y1] = fn.domain.y;
  for (let r = 0; r < n; r++) {
    const yy = y1 - ((r + 0.5) / n) * (y1 - y0);
    for (let c = 0; c < n; c++) {
      const v = fn.value(x0 + ((c + 0.5) / n) * (x1 - x0), yy);
      let band = 0;
      while (band < levels.length && v >= levels[band]) band++;
      const [red, green, blue] = rampColor(band / Math.max(1, levels.length));
      const o = (r * n + c) * 4;
      png.data[o] = red;
      png.data[o + 1] = green;
      png.data[o + 2] = blue;
      png.data[o + 3] = 255;
    }
  }
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
}

function contourPath(grid: ReturnType<typeof sampleGrid>, level: number, t: number, x: Scale, y: Scale): string {
  const d = contourLines(grid, level)
    .map((line) => polylinePath(line.map(([a, b]) => [x.toPx(a), y.toPx(b)] as const)))
    .join('');
  const shade = Math.round(150 - 70 * t);
  return d ? el('path', { d, stroke: rgbToHex([shade, shade, shade + 10]), 'stroke-opacity': 0.7 }) : '';
}

/** Points of a path up to `step`, in pixels, cut shortly after it leaves the plot. */
function pathPixels(points: Point[], step: number, layout: SurfaceLayout): Array<[number, number]> {
  const { plot } = layout;
  const pad = plot.width;
  const out: Array<[number, number]> = [];
  for (let k = 0; k <= Math.min(step, points.length - 1); k++) {
    const px = layout.x.toPx(points[k][0]);
    const py = layout.y.toPx(points[k][1]);
    const outside = px < plot.left - pad || px > plot.left + plot.width + pad || py < plot.top - pad || py > plot.top + plot.height + pad;
    out.push([Math.min(Math.max(px, plot.left - pad), plot.left + plot.width + pad), Math.min(Math.max(py, plot.top - pad), plot.top + plot.height + pad)]);
    if (outside) break;
  }
  return out;
}

/** A short figure for the legend: distance to the minimum, or f for the saddle. */
function pathDetail(fn: TestFunction, path: RacePath, k: number): string {
  if (path.diverged && k >= path.points.length - 1) return 'diverged';
  const [px, py] = path.points[k];
  if (fn.minimum) return `dist ${formatShort(Math.hypot(px - fn.minimum[0], py - fn.minimum[1]))}`;
  return `f ${formatShort(path.values[k])}  y ${formatShort(py)}`;
}

function formatShort(v: number): string {
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e4) ? v.toExponential(1) : v.toPrecision(3).replace(/\.?0+$/, '');
}

function drawOverlay(fn: TestFunction, paths: RacePath[], step: number, layout: SurfaceLayout, start: Point): string[] {
  const { plot } = layout;
  const out: string[] = [];
  const clipped: string[] = [];
  paths.forEach((path, i) => {
    const color = path.color ?? seriesColor(i);
    const px = pathPixels(path.points, step, layout);
    // Earlier paths are drawn wider so that a path hidden under a later one still shows at its edges.
    const widthPx = 2 + 0.6 * (paths.length - 1 - i);
    clipped.push(el('path', { d: polylinePath(px), fill: 'none', stroke: color, 'stroke-width': widthPx, 'stroke-linejoin': 'round', 'stroke-linecap': 'round' }));
  });
  // End dots go on top of every path.
  paths.forEach((path, i) => {
    const px = pathPixels(path.points, step, layout);
    const [ex, ey] = px[px.length - 1];
    clipped.push(el('circle', { cx: ex, cy: ey, r: 4, fill: path.color ?? seriesColor(i), stroke: '#fff', 'stroke-width': 1 }));
  });
  out.push(el('g', { 'clip-path': 'url(#plot-area)' }, clipped));
  out.push(el('circle', { cx: layout.x.toPx(start[0]), cy: layout.y.toPx(start[1]), r: 5, fill: '#fff', stroke: '#000', 'stroke-width': 2 }));
  if (fn.minimum) out.push(star(layout.x.toPx(fn.minimum[0]), layout.y.toPx(fn.minimum[1])));
  if (fn.saddlePoint) out.push(cross(layout.x.toPx(fn.saddlePoint[0]), layout.y.toPx(fn.saddlePoint[1])));
  const lx = plot.left + plot.width + 22;
  let ly = plot.top + 8;
  out.push(text(lx, ly, paths.length ? `step ${Math.min(step, Math.max(...paths.map((p) => p.points.length - 1)))}` : '', { 'font-size': 12, 'font-weight': 'bold' }));
  ly += 26;
  paths.forEach((path, i) => {
    const k = Math.min(step, path.points.length - 1);
    out.push(...legendRow(lx, ly, path.color ?? seriesColor(i), path.label, pathDetail(fn, path, k)));
    ly += 40;
  });
  out.push(el('circle', { cx: lx + 11, cy: ly, r: 5, fill: '#fff', stroke: '#000', 'stroke-width': 2 }), text(lx + 30, ly + 4, 'start', { 'font-size': 12 }));
  if (fn.minimum) out.push(star(lx + 11, ly + 24), text(lx + 30, ly + 28, `minimum (${fn.minimum.join(', ')})`, { 'font-size': 12 }));
  if (fn.saddlePoint) out.push(cross(lx + 11, ly + 24), text(lx + 30, ly + 28, `saddle point (${fn.saddlePoint.join(', ')})`, { 'font-size': 12 }));
  return out;
}

/** A black × marker centred on (cx, cy). */
function cross(cx: number, cy: number): string {
  const d = `M${cx - 6} ${cy - 6}L${cx + 6} ${cy + 6}M${cx - 6} ${cy + 6}L${cx + 6} ${cy - 6}`;
  return el('path', { d, stroke: '#000', 'stroke-width': 2.5, 'stroke-linecap': 'round' });
}

/** A five-pointed black star marker centred on (cx, cy). */
function star(cx: number, cy: number): string {
  const pts: string[] = [];
  for (let k = 0; k < 10; k++) {
    const r = k % 2 === 0 ? 8 : 3.4;
    const a = -Math.PI / 2 + (k * Math.PI) / 5;
    pts.push(`${(cx + r * Math.cos(a)).toFixed(2)},${(cy + r * Math.sin(a)).toFixed(2)}`);
  }
  return el('polygon', { points: pts.join(' '), fill: '#000', stroke: '#fff', 'stroke-width': 0.8 });
}
