/**
 * Constant and plain random initializers. The random factories default to
 * Keras' values (small weights: ±0.05 uniform, std 0.05 normal), not the
 * [0, 1) / N(0, 1) of the raw `rng` fills.
 * @packageDocumentation
 */
import { checkOptions } from '../rng';
import { draw, finiteNumber, prepare, type Initializer, type InitOptions } from './common';

/** All zeros (gain has no effect). */
export const zeros: Initializer = (shape, options?: InitOptions) => prepare(shape, options, 'zeros').out.fill(0);

/** All ones, times gain. */
export const ones: Initializer = (shape, options?: InitOptions) => {
  const p = prepare(shape, options, 'ones');
  return p.out.fill(p.gain);
};

/** A factory: every element `value · gain`. `constant(0)` is zeros. */
export function constant(value: number): Initializer {
  const v = finiteNumber(value, 'value', 'constant');
  return (shape, options?: InitOptions) => {
    const p = prepare(shape, options, 'constant');
    return p.out.fill(v * p.gain);
  };
}

/**
 * `gain` on the main diagonal of a 2-D shape `[rows, cols]` (need not be
 * square), zeros elsewhere; the layer starts as the identity map.
 * @throws RangeError for a shape that is not 2-D.
 */
export const identity: Initializer = (shape, options?: InitOptions) => {
  const p = prepare(shape, options, 'identity');
  if (shape.length !== 2) throw new RangeError(`identity: 'shape' must be 2-D (got [${shape.join(', ')}])`);
  p.out.fill(0);
  const [rows, cols] = shape;
  for (let i = 0; i < Math.min(rows, cols); i++) p.out[i * cols + i] = p.gain;
  return p.out;
};

function range(c: Record<string, unknown>, lowKey: string, highKey: string, lowDef: number, highDef: number, what: string) {
  const low = c[lowKey] === undefined ? lowDef : finiteNumber(c[lowKey], lowKey, what);
  const high = c[highKey] === undefined ? highDef : finiteNumber(c[highKey], highKey, what);
  if (!(low < high)) throw new RangeError(`${what}: '${lowKey}' must be less than '${highKey}' (got ${low} and ${high})`);
  return [low, high];
}

function stdOf(c: Record<string, unknown>, what: string, fallback: number): number {
  const std = c.std === undefined ? fallback : finiteNumber(c.std, 'std', what);
  if (std < 0) throw new RangeError(`${what}: 'std' must be >= 0 (got ${std})`);
  return std;
}

/** A factory: U[low, high) (default ±0.05), times gain. */
export function randomUniform(config?: { low?: number; high?: number }): Initializer {
  const what = 'randomUniform';
  const [low, high] = range(checkOptions(config, ['low', 'high'], what), 'low', 'high', -0.05, 0.05, what);
  return (shape, options?: InitOptions) => draw(prepare(shape, options, what), { kind: 'uniform', low, high });
}

/** A factory: N(mean, std²) (default mean 0, std 0.05), times gain. */
export function randomNormal(config?: { mean?: number; std?: number }): Initializer {
  const what = 'randomNormal';
  const c = checkOptions(config, ['mean', 'std'], what);
  const mean = c.mean === undefined ? 0 : finiteNumber(c.mean, 'mean', what);
  const std = stdOf(c, what, 0.05);
  return (shape, options?: InitOptions) => draw(prepare(shape, options, what), { kind: 'normal', mean, std });
}

/**
 * A factory: N(mean, std²) truncated to [low, high] (absolute values,
 * default mean ± 2·std; default std 0.05), times gain. Unlike the `*Normal`
 * variance-scaling initializers, `std` is the std *before* truncation.
 */
export function truncatedNormal(config?: { mean?: number; std?: number; low?: number; high?: number }): Initializer {
  const what = 'truncatedNormal';
  const c = checkOptions(config, ['mean', 'std', 'low', 'high'], what);
  const mean = c.mean === undefined ? 0 : finiteNumber(c.mean, 'mean', what);
  const std = stdOf(c, what, 0.05);
  const [low, high] = std === 0 && c.low === undefined && c.high === undefined
    ? [mean, mean]
    : range(c, 'low', 'high', mean - 2 * std, mean + 2 * std, what);
  return (shape, options?: InitOptions) => draw(prepare(shape, options, what), { kind: 'truncatedNormal', mean, std, low, high });
}
