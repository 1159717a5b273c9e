/**
 * A few helpers for writing SVG text: escaping, number formatting, elements.
 * @packageDocumentation
 */

/** The font family used for every label (DejaVu Sans ships with most Linux systems). */
export const FONT_FAMILY = 'DejaVu Sans, Arial, Helvetica, sans-serif';

/** Escapes text for use inside an SVG element or attribute. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);
}

/** A coordinate rounded to 0.01 px (keeps SVG files small). */
export function num(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** Attribute values: numbers are rounded, undefined ones are left out. */
export type Attrs = Record<string, string | number | undefined>;

/** One element: `<tag a="1">children</tag>`, or self-closing when there are no children. */
export function el(tag: string, attrs: Attrs, children?: string | string[]): string {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? num(v) : escapeXml(String(v))}"`)
    .join('');
  const body = Array.isArray(children) ? children.join('') : children;
  return body === undefined ? `<${tag}${a}/>` : `<${tag}${a}>${body}</${tag}>`;
}

/** A text label (the content is escaped). */
export function text(x: number, y: number, content: string, attrs: Attrs = {}): string {
  return el('text', { x, y, 'font-family': FONT_FAMILY, 'font-size': 12, fill: '#222', ...attrs }, escapeXml(content));
}

/** The `d` attribute of an open polyline through `points`. */
export function polylinePath(points: ReadonlyArray<readonly [number, number]>): string {
  return points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${num(x)} ${num(y)}`).join('');
}

/** Wraps content in an `<svg>` root of the given pixel size with a white background. */
export function svgDocument(width: number, height: number, body: string[], background = '#ffffff'): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    el('rect', { x: 0, y: 0, width, height, fill: background }) +
    body.join('') +
    '</svg>'
  );
}
