/**
 * Axis scales (linear and log10) with "nice" tick values and labels.
 * @packageDocumentation
 */

/** A 1-D mapping from data values to pixels, with ticks for its axis. */
export interface Scale {
  /** `'linear'` or `'log'` (base 10). */
  readonly kind: 'linear' | 'log';
  /** Data value at the start of the axis (after rounding out to nice numbers). */
  readonly min: number;
  /** Data value at the end of the axis. */
  readonly max: number;
  /** Maps a data value to a pixel coordinate. */
  toPx(v: number): number;
  /** Tick values inside [min, max]. */
  readonly ticks: number[];
  /** Formats a tick value. */
  format(v: number): string;
}

/** The "nice" step (1, 2 or 5 × 10^k) that splits `span` into about `count` parts. */
export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

/** Rounds [lo, hi] out to multiples of a nice step and lists the ticks. */
export function niceLinearTicks(lo: number, hi: number, count = 5): { min: number; max: number; ticks: number[]; step: number } {
  if (!(hi > lo)) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep(hi - lo, count);
  const min = Math.floor(lo / step + 1e-9) * step;
  const max = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; min + i * step <= max + step * 1e-9; i++) ticks.push(Number((min + i * step).toPrecision(12)));
  return { min, max, ticks, step };
}

/** Formats a number briefly: integers plainly, small/large values in exponent form. */
export function formatNumber(v: number, step = 0): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) {
    const e = Math.floor(Math.log10(a) + 1e-9);
    const m = v / 10 ** e;
    return `${Number(m.toPrecision(3))}e${e}`;
  }
  const decimals = step > 0 ? Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9))) : 3;
  return Number(v.toFixed(decimals)).toString();
}

/**
 * A linear scale over [lo, hi] mapped onto pixels [p0, p1] (p1 < p0 for a y
 * axis that grows upwards). With `roundOut` (default) the range grows to the
 * nearest nice ticks; without, it stays [lo, hi] and only ticks inside show.
 */
export function linearScale(lo: number, hi: number, p0: number, p1: number, tickCount = 5, roundOut = true): Scale {
  const nice = niceLinearTicks(lo, hi, tickCount);
  const { step } = nice;
  const min = roundOut ? nice.min : lo;
  const max = roundOut ? nice.max : hi;
  const ticks = roundOut ? nice.ticks : nice.ticks.filter((t) => t >= lo - step * 1e-9 && t <= hi + step * 1e-9);
  return {
    kind: 'linear',
    min,
    max,
    ticks,
    toPx: (v) => p0 + ((v - min) / (max - min)) * (p1 - p0),
    format: (v) => formatNumber(v, step),
  };
}

/**
 * A base-10 log scale over [lo, hi] (both > 0), rounded out to whole decades
 * when it spans more than one decade; ticks at powers of ten (and at 2× and
 * 5× when fewer than three decades are shown).
 */
export function logScale(lo: number, hi: number, p0: number, p1: number): Scale {
  if (!(lo > 0) || !(hi > 0)) throw new RangeError(`log scale needs positive values, got [${lo}, ${hi}]`);
  let a = Math.log10(lo);
  let b = Math.log10(hi);
  if (b - a < 1e-9) {
    a -= 0.5;
    b += 0.5;
  }
  const decades = b - a;
  const la = decades >= 1 ? Math.floor(a + 1e-9) : a - decades * 0.05;
  const lb = decades >= 1 ? Math.ceil(b - 1e-9) : b + decades * 0.05;
  const ticks: number[] = [];
  const mult = lb - la < 3 ? [1, 2, 5] : [1];
  for (let e = Math.floor(la); e <= Math.ceil(lb); e++) {
    for (const m of mult) {
      const v = m * 10 ** e;
      const lv = Math.log10(v);
      if (lv >= la - 1e-9 && lv <= lb + 1e-9) ticks.push(Number(v.toPrecision(6)));
    }
  }
  return {
    kind: 'log',
    min: 10 ** la,
    max: 10 ** lb,
    ticks,
    toPx: (v) => p0 + ((Math.log10(v) - la) / (lb - la)) * (p1 - p0),
    format: (v) => formatNumber(v),
  };
}
