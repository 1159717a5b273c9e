/**
 * Axis drawing shared by every chart: frame, ticks, tick labels, optional
 * grid lines, axis labels and a title.
 * @packageDocumentation
 */
import type { Scale } from './scale';
import { el, text } from './svg';

/** A plot area in pixels. */
export interface Rect {
  /** Left edge. */
  left: number;
  /** Top edge. */
  top: number;
  /** Width. */
  width: number;
  /** Height. */
  height: number;
}

/** What {@link drawAxes} draws besides the frame and ticks. */
export interface AxesOptions {
  /** Label under the x axis. */
  xLabel?: string;
  /** Label left of the y axis (rotated). */
  yLabel?: string;
  /** Title above the plot area. */
  title?: string;
  /** Light grid lines at the ticks (default true). */
  grid?: boolean;
}

/** SVG for the axes of `rect` with scales `x` and `y`. */
export function drawAxes(rect: Rect, x: Scale, y: Scale, options: AxesOptions = {}): string[] {
  const { left, top, width, height } = rect;
  const bottom = top + height;
  const right = left + width;
  const out: string[] = [];
  const grid = options.grid ?? true;
  for (const t of x.ticks) {
    const px = x.toPx(t);
    if (grid) out.push(el('line', { x1: px, y1: top, x2: px, y2: bottom, stroke: '#000', 'stroke-opacity': 0.08 }));
    out.push(el('line', { x1: px, y1: bottom, x2: px, y2: bottom + 5, stroke: '#333' }));
    out.push(text(px, bottom + 18, x.format(t), { 'text-anchor': 'middle', 'font-size': 11 }));
  }
  for (const t of y.ticks) {
    const py = y.toPx(t);
    if (grid) out.push(el('line', { x1: left, y1: py, x2: right, y2: py, stroke: '#000', 'stroke-opacity': 0.08 }));
    out.push(el('line', { x1: left - 5, y1: py, x2: left, y2: py, stroke: '#333' }));
    out.push(text(left - 8, py + 4, y.format(t), { 'text-anchor': 'end', 'font-size': 11 }));
  }
  out.push(el('rect', { x: left, y: top, width, height, fill: 'none', stroke: '#333' }));
  if (options.xLabel) out.push(text(left + width / 2, bottom + 36, options.xLabel, { 'text-anchor': 'middle', 'font-size': 12 }));
  if (options.yLabel) {
    const cx = left - 44;
    const cy = top + height / 2;
    out.push(text(cx, cy, options.yLabel, { 'text-anchor': 'middle', 'font-size': 12, transform: `rotate(-90 ${cx} ${cy})` }));
  }
  if (options.title) out.push(text(left + width / 2, top - 12, options.title, { 'text-anchor': 'middle', 'font-size': 14, 'font-weight': 'bold' }));
  return out;
}

/** One legend row: a short coloured line (with a dot) and a label, plus an optional second line. */
export function legendRow(x: number, y: number, color: string, label: string, detail?: string): string[] {
  const out = [
    el('line', { x1: x, y1: y, x2: x + 22, y2: y, stroke: color, 'stroke-width': 3 }),
    el('circle', { cx: x + 11, cy: y, r: 3.5, fill: color }),
    text(x + 30, y + 4, label, { 'font-size': 12 }),
  ];
  if (detail) out.push(text(x + 30, y + 19, detail, { 'font-size': 10.5, fill: '#555' }));
  return out;
}
