/**
 * Colours for charts: the Okabe–Ito palette (safe for the common forms of
 * colour blindness) and a pale sequential ramp for surface backgrounds.
 * @packageDocumentation
 */

/** An RGB colour as three bytes. */
export type Rgb = readonly [number, number, number];

/**
 * Okabe–Ito series colours, in the order series use them. Yellow (#F0E442)
 * is left out: it is nearly invisible on a white or pale background.
 */
export const SERIES_COLORS: readonly string[] = [
  '#E69F00', // orange
  '#0072B2', // blue
  '#009E73', // bluish green
  '#CC79A7', // reddish purple
  '#56B4E9', // sky blue
  '#D55E00', // vermillion
  '#000000', // black
];

/** The colour of series `i` (wraps around after the palette's length). */
export function seriesColor(i: number): string {
  return SERIES_COLORS[((i % SERIES_COLORS.length) + SERIES_COLORS.length) % SERIES_COLORS.length];
}

/** Parses `#rrggbb` into bytes. */
export function hexToRgb(hex: string): Rgb {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m) throw new RangeError(`'color' must be a #rrggbb string, got ${JSON.stringify(hex)}`);
  const v = parseInt(m[1], 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** Formats bytes as `#rrggbb`. */
export function rgbToHex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

/** End points of the background ramp: pale blue-grey (low) to pale sand (high). */
const RAMP: readonly Rgb[] = [
  [226, 236, 246],
  [244, 246, 240],
  [250, 238, 218],
  [238, 222, 204],
];

/**
 * A pale background colour for `t` in [0, 1] (0 = lowest band). Pale enough
 * that every series colour stays readable on top of it.
 */
export function rampColor(t: number): Rgb {
  const u = Math.min(1, Math.max(0, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(u));
  const f = u - i;
  const a = RAMP[i];
  const b = RAMP[i + 1];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f].map(Math.round) as unknown as Rgb;
}
