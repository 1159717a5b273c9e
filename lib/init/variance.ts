/**
 * Variance-scaling initializers: LeCun, Glorot (Xavier) and He (Kaiming).
 *
 * Why initial weights matter: if every weight starts equal (all zero, say),
 * every hidden unit computes the same thing and receives the same gradient,
 * so they stay identical forever (the symmetry is never broken). If weights
 * start too large, pre-activations are large, sigmoid/tanh saturate and
 * their gradients vanish. These schemes draw random weights whose variance
 * keeps the signal's variance roughly constant from layer to layer:
 *
 * | scheme        | variance              | suited to            |
 * |---------------|-----------------------|----------------------|
 * | LeCun         | 1 / fanIn             | SELU, tanh-like      |
 * | Glorot/Xavier | 2 / (fanIn + fanOut)  | sigmoid, tanh        |
 * | He/Kaiming    | 2 / fanIn             | ReLU family          |
 *
 * Uniform variants draw U(-limit, limit) with limit = √(3·variance) (a
 * uniform on ±a has variance a²/3). Normal variants draw a truncated normal
 * by default (Keras; see {@link NormalInitOptions}) or a plain normal
 * (PyTorch) with `{ truncated: false }`.
 * @packageDocumentation
 */
import { computeFans, draw, finiteNumber, prepare, type Initializer, type InitOptions, type NormalInitOptions } from './common';
import { checkOptions } from '../rng';

/** Which fan divides the scale. */
export type FanMode = 'fanIn' | 'fanOut' | 'fanAvg';
/** The distribution of a variance-scaling initializer. */
export type VarianceDistribution = 'uniform' | 'normal' | 'truncatedNormal';

/** Configuration of {@link varianceScaling}. */
export interface VarianceScalingConfig {
  /** Variance numerator, > 0 (default 1). */
  scale?: number;
  /** Default `'fanIn'`. `'fanAvg'` uses (fanIn + fanOut) / 2. */
  mode?: FanMode;
  /** Default `'truncatedNormal'` (as Keras). */
  distribution?: VarianceDistribution;
}

// Std of a standard normal truncated to [-2, 2]; dividing by it restores
// the untruncated variance (Keras' constant).
const TRUNC_STD = 0.87962566103423978;
const MODES: FanMode[] = ['fanIn', 'fanOut', 'fanAvg'];
const DISTS: VarianceDistribution[] = ['uniform', 'normal', 'truncatedNormal'];

/**
 * An initializer with variance `scale / n` (times gain²), n = fanIn, fanOut
 * or their mean ({@link computeFans} gives the fans):
 * - uniform: U(-√(3·var), √(3·var));
 * - normal: N(0, var);
 * - truncatedNormal: N(0, (√var / 0.8796…)²) cut at ±2 of its std (variance = var).
 *
 * @example
 * ```ts
 * // He-normal for leaky ReLU(0.2), PyTorch style:
 * const init = varianceScaling({ scale: calculateGain('leaky_relu', 0.2) ** 2, distribution: 'normal' });
 * const w = init([784, 128], { seed: 1 });
 * ```
 * @throws RangeError for scale <= 0 or not finite, an unknown mode or distribution.
 */
export function varianceScaling(config?: VarianceScalingConfig): Initializer {
  const what = 'varianceScaling';
  const c = checkOptions(config, ['scale', 'mode', 'distribution'], what);
  const scale = c.scale === undefined ? 1 : finiteNumber(c.scale, 'scale', what);
  if (!(scale > 0)) throw new RangeError(`${what}: 'scale' must be > 0 (got ${scale})`);
  const mode = (c.mode ?? 'fanIn') as FanMode;
  if (!MODES.includes(mode)) throw new RangeError(`${what}: unknown mode '${String(mode)}' (use ${MODES.join(', ')})`);
  const dist = (c.distribution ?? 'truncatedNormal') as VarianceDistribution;
  if (!DISTS.includes(dist)) {
    throw new RangeError(`${what}: unknown distribution '${String(dist)}' (use ${DISTS.join(', ')})`);
  }
  return (shape, options) => scaled(shape, options, scale, mode, dist, what);
}

// `dist` undefined: a *Normal scheme, truncated unless options.truncated is false.
function scaled(shape: readonly number[], options: unknown, scale: number, mode: FanMode,
                dist: VarianceDistribution | undefined, what: string): Float32Array {
  const p = prepare(shape, options, what, dist === undefined ? ['truncated'] : []);
  if (dist === undefined) {
    const t = p.opts.truncated;
    if (t !== undefined && typeof t !== 'boolean') throw new TypeError(`${what}: 'truncated' must be a boolean`);
    dist = t === false ? 'normal' : 'truncatedNormal';
  }
  const { fanIn, fanOut } = computeFans(shape);
  if (fanIn === 0 || fanOut === 0) {
    throw new RangeError(`${what}: fans must be > 0 (shape [${shape.join(', ')}] gives fanIn ${fanIn}, fanOut ${fanOut})`);
  }
  const n = mode === 'fanIn' ? fanIn : mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2;
  const std = Math.sqrt(scale / n);
  if (dist === 'uniform') return draw(p, { kind: 'uniform', low: -Math.sqrt(3) * std, high: Math.sqrt(3) * std });
  if (dist === 'normal') return draw(p, { kind: 'normal', mean: 0, std });
  const s = std / TRUNC_STD;
  return draw(p, { kind: 'truncatedNormal', mean: 0, std: s, low: -2 * s, high: 2 * s });
}

function named<F extends Function>(fn: F, name: string): F {
  Object.defineProperty(fn, 'name', { value: name });
  return fn;
}

function uniformScheme(scale: number, mode: FanMode, name: string): Initializer {
  return named((shape: readonly number[], options?: InitOptions) => scaled(shape, options, scale, mode, 'uniform', name), name);
}

/** A `*Normal` variance-scaling initializer (accepts `truncated`). */
export type NormalInitializer = (shape: readonly number[], options?: NormalInitOptions) => Float32Array;

function normalScheme(scale: number, mode: FanMode, name: string): NormalInitializer {
  return named((shape: readonly number[], options?: NormalInitOptions) => scaled(shape, options, scale, mode, undefined, name), name);
}

/** LeCun uniform: U(±√(3/fanIn)). */
export const lecunUniform: Initializer = uniformScheme(1, 'fanIn', 'lecunUniform');
/** LeCun normal: variance 1/fanIn (truncated by default). */
export const lecunNormal = normalScheme(1, 'fanIn', 'lecunNormal');
/** Glorot (Xavier) uniform: U(±√(6/(fanIn + fanOut))). */
export const glorotUniform: Initializer = uniformScheme(1, 'fanAvg', 'glorotUniform');
/** Glorot (Xavier) normal: variance 2/(fanIn + fanOut) (truncated by default). */
export const glorotNormal = normalScheme(1, 'fanAvg', 'glorotNormal');
/** He (Kaiming) uniform: U(±√(6/fanIn)). */
export const heUniform: Initializer = uniformScheme(2, 'fanIn', 'heUniform');
/** He (Kaiming) normal: variance 2/fanIn (truncated by default). */
export const heNormal = normalScheme(2, 'fanIn', 'heNormal');

/** Alias of {@link glorotUniform} (PyTorch's name). */
export const xavierUniform = glorotUniform;
/** Alias of {@link glorotNormal} (PyTorch's name; default truncated, pass `{ truncated: false }` for PyTorch's plain normal). */
export const xavierNormal = glorotNormal;
/** Alias of {@link heUniform} (PyTorch's name, fan-in mode, ReLU gain √2). */
export const kaimingUniform = heUniform;
/** Alias of {@link heNormal} (PyTorch's name; default truncated, `{ truncated: false }` for PyTorch's). */
export const kaimingNormal = heNormal;
