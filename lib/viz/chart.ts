/**
 * Line charts: one or more panels side by side, each with its own axes and
 * series, and one shared legend underneath. Used for training curves.
 * @packageDocumentation
 */
import { drawAxes, legendRow, type Rect } from './axes';
import { seriesColor } from './palette';
import { linearScale, logScale, type Scale } from './scale';
import { el, polylinePath, svgDocument, text } from './svg';
import { checkInteger } from './validate';

/** One line of a chart. */
export interface Series {
  /** Legend label. */
  label: string;
  /** y values; non-finite ones are skipped. */
  y: ArrayLike<number>;
  /** x values (default 1, 2, 3, …). */
  x?: ArrayLike<number>;
  /** Colour `#rrggbb` (default: palette by series index across the chart). */
  color?: string;
  /** Dashed line (e.g. for validation figures). */
  dashed?: boolean;
}

/** One panel: axes with a set of series. */
export interface Panel {
  /** Panel title. */
  title?: string;
  /** x axis label. */
  xLabel?: string;
  /** y axis label. */
  yLabel?: string;
  /** The series. */
  series: Series[];
  /** `'log'`, `'linear'` or `'auto'` (default: log when all values are > 0 and span over 20×). */
  yScale?: 'linear' | 'log' | 'auto';
}

/** Options of {@link renderChart}. */
export interface ChartOptions {
  /** Panels, left to right (1 to 4). */
  panels: Panel[];
  /** Image width in px, 320 to 4000 (default 480 per panel). */
  width?: number;
  /** Image height in px, 240 to 4000 (default 400). */
  height?: number;
  /** Title above everything. */
  title?: string;
  /** Draw a dot at each data point (default: when a series has ≤ 60 points). */
  markers?: boolean;
}

/** Where one panel landed, so callers (and tests) can find data points. */
export interface PanelLayout {
  /** The plot area. */
  plot: Rect;
  /** x scale. */
  x: Scale;
  /** y scale. */
  y: Scale;
}

/** A rendered chart. */
export interface Chart {
  /** Complete SVG document. */
  svg: string;
  /** Width. */
  width: number;
  /** Height. */
  height: number;
  /** One entry per panel. */
  panels: PanelLayout[];
}

const MARGIN = { left: 70, right: 20, top: 56, bottom: 56, gap: 80 };

/** Range of the finite values (and of the positive ones, for log scales). */
function extent(values: number[]): { lo: number; hi: number; posLo: number } {
  let lo = Infinity;
  let hi = -Infinity;
  let posLo = Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
    if (v > 0) posLo = Math.min(posLo, v);
  }
  return { lo, hi, posLo };
}

const xsOf = (s: Series): number[] => Array.from({ length: s.y.length }, (_, i) => (s.x ? s.x[i] : i + 1));

/**
 * Renders a multi-panel line chart to SVG.
 * @throws TypeError/RangeError naming the bad option.
 */
export function renderChart(options: ChartOptions): Chart {
  const panels = options.panels;
  if (!Array.isArray(panels) || panels.length < 1 || panels.length > 4) throw new RangeError(`'panels' must hold 1 to 4 panels`);
  const width = checkInteger('width', options.width ?? 480 * panels.length, 320, 4000);
  const height = checkInteger('height', options.height ?? 400, 240, 4000);
  const labels: Array<{ label: string; color: string; dashed?: boolean }> = [];
  const colorOf = new Map<string, string>();
  for (const p of panels)
    for (const s of p.series) {
      if (!colorOf.has(s.label)) {
        colorOf.set(s.label, s.color ?? seriesColor(colorOf.size));
        labels.push({ label: s.label, color: colorOf.get(s.label)!, dashed: s.dashed });
      }
    }
  const legendRows = Math.ceil(labels.length / Math.max(1, Math.floor((width - 40) / 170)));
  const top = MARGIN.top - (options.title ? 0 : 22);
  const plotW = (width - MARGIN.left - MARGIN.right - MARGIN.gap * (panels.length - 1)) / panels.length;
  const plotH = height - top - MARGIN.bottom - legendRows * 22;
  if (plotW < 80 || plotH < 80) throw new RangeError(`'width' and 'height' leave no room for the plot (${Math.round(plotW)}×${Math.round(plotH)} px)`);
  const body: string[] = [];
  if (options.title) body.push(text(width / 2, 24, options.title, { 'text-anchor': 'middle', 'font-size': 15, 'font-weight': 'bold' }));
  const layouts = panels.map((panel, k) => {
    const rect: Rect = { left: MARGIN.left + k * (plotW + MARGIN.gap), top, width: plotW, height: plotH };
    const layout = panelScales(panel, rect);
    body.push(...drawAxes(rect, layout.x, layout.y, { title: panel.title, xLabel: panel.xLabel, yLabel: panel.yLabel }));
    body.push(...drawSeries(panel, layout, colorOf, options.markers));
    return layout;
  });
  const perRow = Math.max(1, Math.floor((width - 40) / 170));
  labels.forEach((l, i) => {
    const lx = 30 + (i % perRow) * 170;
    const ly = top + plotH + 50 + Math.floor(i / perRow) * 22;
    body.push(...legendRow(lx, ly, l.color, l.dashed ? `${l.label} (dashed)` : l.label));
  });
  return { svg: svgDocument(width, height, body), width, height, panels: layouts };
}

function panelScales(panel: Panel, rect: Rect): PanelLayout {
  const xs = panel.series.flatMap(xsOf);
  const ys = panel.series.flatMap((s) => Array.from(s.y));
  const ex = extent(xs);
  const ey = extent(ys);
  if (!Number.isFinite(ex.lo) || !Number.isFinite(ey.lo)) throw new RangeError(`panel '${panel.title ?? ''}' has no finite data points`);
  const x = linearScale(ex.lo, ex.hi, rect.left, rect.left + rect.width, 6);
  const allPositive = ey.lo > 0;
  const wantLog = panel.yScale === 'log' || (panel.yScale !== 'linear' && allPositive && ey.hi / ey.lo > 20);
  if (panel.yScale === 'log' && !Number.isFinite(ey.posLo)) throw new RangeError(`'yScale' 'log' needs positive values`);
  const y = wantLog ? logScale(ey.posLo, ey.hi, rect.top + rect.height, rect.top) : linearScale(ey.lo, ey.hi, rect.top + rect.height, rect.top, 5);
  return { plot: rect, x, y };
}

function drawSeries(panel: Panel, layout: PanelLayout, colorOf: Map<string, string>, markers: boolean | undefined): string[] {
  const out: string[] = [];
  for (const s of panel.series) {
    const color = colorOf.get(s.label)!;
    const xs = xsOf(s);
    const pts: Array<[number, number]> = [];
    for (let i = 0; i < s.y.length; i++) {
      const v = s.y[i];
      if (!Number.isFinite(v) || !Number.isFinite(xs[i]) || (layout.y.kind === 'log' && v <= 0)) continue;
      pts.push([layout.x.toPx(xs[i]), layout.y.toPx(v)]);
    }
    if (pts.length > 1) out.push(el('path', { d: polylinePath(pts), fill: 'none', stroke: color, 'stroke-width': 2, 'stroke-dasharray': s.dashed ? '6 4' : undefined, 'stroke-linejoin': 'round' }));
    if (markers ?? s.y.length <= 60) for (const [px, py] of pts) out.push(el('circle', { cx: px, cy: py, r: 3.5, fill: color }));
  }
  return out;
}
