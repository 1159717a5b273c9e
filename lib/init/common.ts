/**
 * Shared pieces of the initializers: the {@link Initializer} type, shape and
 * option checks, fan computation, and where random values come from.
 * @packageDocumentation
 */
import { checkOptions, checkStreamInteger, Generator, getDefaultGenerator } from '../rng';

/**
 * Options every initializer takes.
 * - `seed`: draw from the stream of this seed at offset 0 (reproducible);
 *   omitted, draw from `generator` or the default generator (which advances).
 * - `generator`: a {@link Generator} to draw from (advances it).
 * - `gain`: multiplies every value (so the std of a zero-mean initializer);
 *   default 1, must be finite and >= 0.
 * - `out`: fill this array (length = product of the shape) instead of a new one.
 */
export interface InitOptions {
  seed?: number;
  generator?: Generator;
  gain?: number;
  out?: Float32Array;
}

/**
 * Extra option of the `*Normal` variance-scaling initializers
 * (lecunNormal, glorotNormal, heNormal): `truncated` (default true, as Keras)
 * draws from a normal cut at ±2 std whose std is corrected by 1/0.8796 so the
 * variance is still the target; `false` draws a plain normal (as PyTorch).
 */
export interface NormalInitOptions extends InitOptions {
  truncated?: boolean;
}

/**
 * Fills a weight tensor of `shape` (row-major; a Dense kernel is
 * `[fanIn, fanOut]`) and returns it: `options.out` when given, else a new
 * `Float32Array`.
 */
export type Initializer = (shape: readonly number[], options?: InitOptions) => Float32Array;

export const INIT_KEYS = ['seed', 'generator', 'gain', 'out'] as const;

/** The checked common options plus the element count and output array. */
export interface Prepared {
  size: number;
  gain: number;
  out: Float32Array;
  /** The generator to draw from (a fresh one at offset 0 for a `seed`). */
  source: () => Generator;
  opts: Record<string, unknown>;
}

/** Checks `shape` (array of integers >= 0) and returns the element count. */
export function shapeSize(shape: unknown, what: string): number {
  if (!Array.isArray(shape)) throw new TypeError(`${what}: 'shape' must be an array of integers (got ${typeof shape})`);
  let size = 1;
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new RangeError(`${what}: 'shape' must hold integers >= 0 (got [${shape.join(', ')}])`);
    }
    size *= d;
  }
  if (size > 2 ** 32) throw new RangeError(`${what}: 'shape' has too many elements (${size})`);
  return size;
}

/** Validates shape and options (nothing is written yet). */
export function prepare(shape: unknown, options: unknown, what: string, extraKeys: readonly string[] = []): Prepared {
  const size = shapeSize(shape, what);
  const opts = checkOptions(options, [...INIT_KEYS, ...extraKeys], what);
  const gain = opts.gain === undefined ? 1 : opts.gain;
  if (typeof gain !== 'number') throw new TypeError(`${what}: 'gain' must be a number (got ${typeof gain})`);
  if (!Number.isFinite(gain) || gain < 0) throw new RangeError(`${what}: 'gain' must be finite and >= 0 (got ${gain})`);
  if (opts.seed !== undefined && opts.generator !== undefined) {
    throw new TypeError(`${what}: give 'seed' or 'generator', not both`);
  }
  const seed = opts.seed === undefined ? undefined : checkStreamInteger(opts.seed, 'seed');
  const gen = opts.generator;
  if (gen !== undefined && !(gen instanceof Generator)) throw new TypeError(`${what}: 'generator' must be a Generator`);
  let out: Float32Array;
  if (opts.out === undefined) {
    out = new Float32Array(size);
  } else {
    if (!(opts.out instanceof Float32Array)) throw new TypeError(`${what}: 'out' must be a Float32Array`);
    if (opts.out.length !== size) {
      throw new RangeError(`${what}: 'out' has length ${opts.out.length} but shape [${(shape as number[]).join(', ')}] needs ${size}`);
    }
    out = opts.out;
  }
  const source = () => (seed !== undefined ? new Generator(seed) : (gen as Generator | undefined) ?? getDefaultGenerator());
  return { size, gain, out, source, opts };
}

/** Fan-in and fan-out of a weight shape. */
export interface Fans {
  fanIn: number;
  fanOut: number;
}

/**
 * Fans the way Keras computes them: rank 0 → 1 and 1; rank 1 → both
 * `shape[0]`; rank 2 `[fanIn, fanOut]`; rank > 2 (`[...kernel, in, out]`,
 * channels last) → `in·rf` and `out·rf` with `rf` the product of the leading
 * (receptive-field) dimensions.
 */
export function computeFans(shape: readonly number[]): Fans {
  shapeSize(shape, 'computeFans');
  const n = shape.length;
  if (n === 0) return { fanIn: 1, fanOut: 1 };
  if (n === 1) return { fanIn: shape[0], fanOut: shape[0] };
  let rf = 1;
  for (let i = 0; i < n - 2; i++) rf *= shape[i];
  return { fanIn: shape[n - 2] * rf, fanOut: shape[n - 1] * rf };
}

/** A distribution to draw from, before `gain` is applied. */
export type Distribution =
  | { kind: 'uniform'; low: number; high: number }
  | { kind: 'normal'; mean: number; std: number }
  | { kind: 'truncatedNormal'; mean: number; std: number; low: number; high: number };

/**
 * Fills `p.out` from `d` with every value multiplied by `p.gain`. A
 * zero-width result (gain 0, or a zero limit) is a constant fill: the
 * native uniform needs low < high.
 */
export function draw(p: Prepared, d: Distribution): Float32Array {
  const g = p.gain;
  const gen = p.source();
  if (d.kind === 'uniform') {
    const low = d.low * g, high = d.high * g;
    return low < high ? gen.uniform(p.out, { low, high }) : p.out.fill(low);
  }
  if (d.kind === 'normal') return gen.normal(p.out, { mean: d.mean * g, std: d.std * g });
  if (g === 0) return p.out.fill(0);
  return gen.truncatedNormal(p.out, { mean: d.mean * g, std: d.std * g, low: d.low * g, high: d.high * g });
}

/** RangeError unless `value` is a finite number (TypeError if not a number). */
export function finiteNumber(value: unknown, name: string, what: string): number {
  if (typeof value !== 'number') throw new TypeError(`${what}: '${name}' must be a number (got ${typeof value})`);
  if (!Number.isFinite(value)) throw new RangeError(`${what}: '${name}' must be finite (got ${value})`);
  return value;
}
