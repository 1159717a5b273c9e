/**
 * Counter-based random numbers: Philox4x32-10 (the generator PyTorch and JAX
 * use on accelerators), filling `Float32Array`s with SIMD kernels.
 *
 * A stream is fixed by a seed (an integer in [0, 2^53)). Element `j` of the
 * stream takes its 32 random bits from one word of one Philox block chosen by
 * `j` alone, so a value depends only on `(seed, j)`: every instruction set
 * (scalar, SSE2, AVX2, AVX-512, NEON) and every thread count gives the same
 * bits, and a fill at `offset` is exactly the slice `[offset, offset + n)` of
 * a longer fill from 0. The float transforms use correctly rounded operations
 * only (no fused multiply-add), which is what makes them bit-identical.
 *
 * - `uniform`: `low + (high - low) * u`, `u` on a 2^-24 grid in [0, 1); never
 *   returns `high`.
 * - `normal`: `mean + std * Φ⁻¹(p)`, `p = (2k + 1)·2^-24` (inverse CDF: one
 *   word per value, no pairing, no rejection); |z| ≤ 5.42, max relative error
 *   of Φ⁻¹ 4.1e-7.
 * - `truncatedNormal`: inverse CDF restricted to `[low, high]` (absolute
 *   bounds, as PyTorch's `trunc_normal_(a, b)`), default `mean ± 2·std`.
 *   Branch-free, so still counter-based (no rejection loop).
 *
 * Without a `seed`, a fill draws from the default {@link Generator} (seeded
 * from the OS at load; fix it with {@link manualSeed}) and advances it.
 * @packageDocumentation
 */
import { randomInt } from 'node:crypto';
import { native } from './native';

/** Options of {@link uniform}: the interval `[low, high)`, default `[0, 1)`. */
export interface UniformOptions {
  low?: number;
  high?: number;
}

/** Options of {@link normal}: default mean 0, std 1. `std: 0` fills with `mean`. */
export interface NormalOptions {
  mean?: number;
  std?: number;
}

/**
 * Options of {@link truncatedNormal}. `low` and `high` are absolute values
 * (not multiples of `std`); they default to `mean - 2·std` and `mean + 2·std`.
 */
export interface TruncatedNormalOptions {
  mean?: number;
  std?: number;
  low?: number;
  high?: number;
}

/** Where a stateless fill reads the stream: `seed`, and `offset` (default 0). */
export interface StreamOptions {
  /** Integer in [0, 2^53). Omitted: draw from the default generator. */
  seed?: number;
  /** First stream element (integer in [0, 2^53)); only with `seed`. */
  offset?: number;
}

/** A generator's position: its seed and the next unused stream element. */
export interface GeneratorState {
  seed: number;
  offset: number;
}

type Opts = Record<string, unknown>;

/** Checks an options argument: undefined or a plain object with known keys. */
export function checkOptions(options: unknown, allowed: readonly string[], what: string): Opts {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${what}: options must be an object (got ${options === null ? 'null' : typeof options})`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw new TypeError(`${what}: unknown option '${key}' (allowed: ${allowed.join(', ')})`);
  }
  return options as Opts;
}

/** A number option or its default; `0` is a value, not "missing". */
export function numberOption(options: Opts, key: string, fallback: number, what: string): number {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw new TypeError(`${what}: '${key}' must be a number (got ${typeof value})`);
  return value;
}

/** A stream integer (seed or offset): an integer in [0, 2^53). */
export function checkStreamInteger(value: unknown, name: string): number {
  if (typeof value !== 'number') throw new TypeError(`'${name}' must be a number (got ${typeof value})`);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`'${name}' must be an integer in [0, 2^53) (got ${value})`);
  }
  return value;
}

const UNIFORM_KEYS = ['low', 'high'];
const NORMAL_KEYS = ['mean', 'std'];
const TRUNC_KEYS = ['mean', 'std', 'low', 'high'];
const STREAM_KEYS = ['seed', 'offset'];

type Fill = (out: Float32Array, seed: number, offset: number) => void;

function uniformFill(o: Opts, what: string): Fill {
  const low = numberOption(o, 'low', 0, what);
  const high = numberOption(o, 'high', 1, what);
  return (out, seed, offset) => native.rngUniform(out, low, high, seed, offset);
}

function normalFill(o: Opts, what: string): Fill {
  const mean = numberOption(o, 'mean', 0, what);
  const std = numberOption(o, 'std', 1, what);
  return (out, seed, offset) => native.rngNormal(out, mean, std, seed, offset);
}

function truncatedFill(o: Opts, what: string): Fill {
  const mean = numberOption(o, 'mean', 0, what);
  const std = numberOption(o, 'std', 1, what);
  const low = numberOption(o, 'low', mean - 2 * std, what);
  const high = numberOption(o, 'high', mean + 2 * std, what);
  return (out, seed, offset) => native.rngTruncatedNormal(out, mean, std, low, high, seed, offset);
}

// Module-private: lets the stateless fills draw from the default generator.
const DRAW = Symbol('draw');

function randomSeed(): number {
  return randomInt(0, 2 ** 21) * 2 ** 32 + randomInt(0, 2 ** 32);
}

/**
 * A seeded stream with a position. Each fill of `n` values uses the next `n`
 * stream elements and advances the offset by `n`, so successive calls never
 * repeat numbers, and (same distribution and parameters) a fill of `n`
 * followed by a fill of `m` equals one fill of `n + m`. Different
 * distributions read the same stream, each from the current offset.
 *
 * @example
 * ```ts
 * const gen = new Generator(42);
 * const w = gen.normal(new Float32Array(256), { std: 0.05 });
 * const saved = gen.getState();       // { seed: 42, offset: 256 }
 * gen.uniform(new Float32Array(10));   // offset 266
 * gen.setState(saved);                 // replay from 256
 * ```
 */
export class Generator {
  #seed: number;
  #offset = 0;

  /** `seed`: integer in [0, 2^53); omitted, a random one from the OS. */
  constructor(seed?: number) {
    this.#seed = seed === undefined ? randomSeed() : checkStreamInteger(seed, 'seed');
  }

  /** The seed (the Philox key). */
  get seed(): number {
    return this.#seed;
  }

  /** The next unused stream element. */
  get offset(): number {
    return this.#offset;
  }

  /** Fills `out` from U[low, high) (default [0, 1)) and returns it. */
  uniform(out: Float32Array, options?: UniformOptions): Float32Array {
    return this[DRAW](out, uniformFill(checkOptions(options, UNIFORM_KEYS, 'Generator.uniform'), 'Generator.uniform'));
  }

  /** Fills `out` from N(mean, std²) (default N(0, 1)) and returns it. */
  normal(out: Float32Array, options?: NormalOptions): Float32Array {
    return this[DRAW](out, normalFill(checkOptions(options, NORMAL_KEYS, 'Generator.normal'), 'Generator.normal'));
  }

  /** Fills `out` from N(mean, std²) truncated to [low, high] and returns it. */
  truncatedNormal(out: Float32Array, options?: TruncatedNormalOptions): Float32Array {
    const what = 'Generator.truncatedNormal';
    return this[DRAW](out, truncatedFill(checkOptions(options, TRUNC_KEYS, what), what));
  }

  /** A copy of the position, for checkpoints. */
  getState(): GeneratorState {
    return { seed: this.#seed, offset: this.#offset };
  }

  /** Restores a position from {@link getState}; changes nothing on a throw. */
  setState(state: GeneratorState): void {
    const s = checkOptions(state, ['seed', 'offset'], 'Generator.setState');
    const seed = checkStreamInteger(s.seed, 'seed');
    const offset = checkStreamInteger(s.offset, 'offset');
    this.#seed = seed;
    this.#offset = offset;
  }

  /** Restarts the stream of `seed` at offset 0. */
  manualSeed(seed: number): void {
    this.setState({ seed, offset: 0 });
  }

  /** @internal */
  [DRAW](out: Float32Array, fill: Fill): Float32Array {
    fill(out, this.#seed, this.#offset); // throws before writing on bad input
    this.#offset += out.length;
    return out;
  }
}

let defaultGen = new Generator();

/** The generator used by fills and initializers given no `seed`. */
export function getDefaultGenerator(): Generator {
  return defaultGen;
}

/** Reseeds the default generator (offset 0), making unseeded calls reproducible. */
export function manualSeed(seed: number): void {
  defaultGen = new Generator(seed);
}

function stateless(out: Float32Array, o: Opts, fill: Fill): Float32Array {
  if (o.seed === undefined) {
    if (o.offset !== undefined) throw new TypeError("'offset' needs a 'seed'");
    return defaultGen[DRAW](out, fill);
  }
  fill(out, checkStreamInteger(o.seed, 'seed'), o.offset === undefined ? 0 : checkStreamInteger(o.offset, 'offset'));
  return out;
}

/**
 * Fills `out` from U[low, high) (default [0, 1)) and returns it.
 * @throws TypeError for a non-Float32Array or non-number option; RangeError
 *   for `low >= high`, non-finite values or a bad seed/offset. Nothing is
 *   written when it throws.
 */
export function uniform(out: Float32Array, options?: UniformOptions & StreamOptions): Float32Array {
  const o = checkOptions(options, [...UNIFORM_KEYS, ...STREAM_KEYS], 'rng.uniform');
  return stateless(out, o, uniformFill(o, 'rng.uniform'));
}

/**
 * Fills `out` from N(mean, std²) (default N(0, 1)) and returns it.
 * @throws RangeError for negative `std` or non-finite `mean`/`std`.
 */
export function normal(out: Float32Array, options?: NormalOptions & StreamOptions): Float32Array {
  const o = checkOptions(options, [...NORMAL_KEYS, ...STREAM_KEYS], 'rng.normal');
  return stateless(out, o, normalFill(o, 'rng.normal'));
}

/**
 * Fills `out` from N(mean, std²) truncated to [low, high] (absolute bounds,
 * default `mean ± 2·std`) and returns it. `std: 0` fills with `mean`.
 * @throws RangeError for `low >= high`, negative `std`, or bounds more than
 *   12 std from the mean.
 */
export function truncatedNormal(out: Float32Array, options?: TruncatedNormalOptions & StreamOptions): Float32Array {
  const o = checkOptions(options, [...TRUNC_KEYS, ...STREAM_KEYS], 'rng.truncatedNormal');
  return stateless(out, o, truncatedFill(o, 'rng.truncatedNormal'));
}
