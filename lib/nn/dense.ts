/**
 * A fully connected layer: `y = act(x·W + b)` with `W` stored `[in, out]`
 * row-major (so the forward pass is one GEMM, X·W) and `b` of `out` floats.
 * Its weights live in the owning {@link Sequential}'s parameter arena.
 * @packageDocumentation
 */
import { ACTIVATION_CODES, checkActivation, type ActivationName } from './activations';
import { resolveInitializer, type InitializerFn, type InitializerLike } from './initializers';

/** Options of {@link Dense}. */
export interface DenseOptions {
  /** Activation after the affine map (default `'linear'`). */
  activation?: ActivationName;
  /** Negative slope of `leakyRelu` (default 0.01, as PyTorch). */
  alpha?: number;
  /**
   * Initializer of W, a name or function (default `'heUniform'` for
   * relu/leakyRelu/gelu, else `'glorotUniform'`).
   */
  kernelInitializer?: InitializerLike;
  /** Initializer of b (default `'zeros'`). */
  biasInitializer?: InitializerLike;
  /** Whether the layer has a bias (default true). */
  useBias?: boolean;
}

/** The serializable description of a Dense layer (saved in checkpoints). */
export interface DenseConfig {
  type: 'Dense';
  inFeatures: number;
  outFeatures: number;
  activation: ActivationName;
  alpha: number;
  useBias: boolean;
}

const DENSE_KEYS = new Set(['activation', 'alpha', 'kernelInitializer', 'biasInitializer', 'useBias']);

function checkFeatures(n: unknown, name: string): number {
  if (typeof n !== 'number') throw new TypeError(`'${name}' must be a number (got ${typeof n})`);
  if (!Number.isSafeInteger(n) || n < 1 || n > 1 << 24) throw new RangeError(`'${name}' must be an integer in [1, 2^24] (got ${n})`);
  return n;
}

/** A fully connected layer (see the module docs). */
export class Dense {
  /** Input features. */
  readonly inFeatures: number;
  /** Output features. */
  readonly outFeatures: number;
  /** The activation. */
  readonly activation: ActivationName;
  /** leakyRelu's negative slope. */
  readonly alpha: number;
  /** Whether there is a bias. */
  readonly useBias: boolean;
  /** Initializer of W. */
  readonly kernelInitializer: InitializerFn;
  /** Initializer of b. */
  readonly biasInitializer: InitializerFn;
  /** W `[in, out]` (a view into the model's arena; set when added to a model). */
  weight: Float32Array = new Float32Array(0);
  /** b `[out]` (empty without bias). */
  bias: Float32Array = new Float32Array(0);
  /** dLoss/dW. */
  weightGrad: Float32Array = new Float32Array(0);
  /** dLoss/db. */
  biasGrad: Float32Array = new Float32Array(0);

  /**
   * @throws TypeError / RangeError naming the bad argument.
   * @example
   * ```ts
   * const hidden = new Dense(784, 256, { activation: 'relu' });
   * ```
   */
  constructor(inFeatures: number, outFeatures: number, options: DenseOptions = {}) {
    this.inFeatures = checkFeatures(inFeatures, 'inFeatures');
    this.outFeatures = checkFeatures(outFeatures, 'outFeatures');
    if (typeof options !== 'object' || options === null) throw new TypeError(`'options' must be an object`);
    for (const key of Object.keys(options)) if (!DENSE_KEYS.has(key)) throw new TypeError(`Dense: unknown option '${key}'`);
    this.activation = checkActivation(options.activation ?? 'linear', "'activation'");
    const alpha = options.alpha ?? 0.01;
    if (typeof alpha !== 'number' || !Number.isFinite(alpha) || alpha < 0) throw new RangeError(`'alpha' must be a finite number >= 0 (got ${alpha})`);
    this.alpha = alpha;
    if (options.useBias !== undefined && typeof options.useBias !== 'boolean') throw new TypeError(`'useBias' must be a boolean`);
    this.useBias = options.useBias ?? true;
    const he = this.activation === 'relu' || this.activation === 'leakyRelu' || this.activation === 'gelu';
    this.kernelInitializer = resolveInitializer(options.kernelInitializer ?? (he ? 'heUniform' : 'glorotUniform'), "'kernelInitializer'");
    this.biasInitializer = resolveInitializer(options.biasInitializer ?? 'zeros', "'biasInitializer'");
  }

  /** Number of trainable floats (W and b). */
  get paramCount(): number {
    return this.inFeatures * this.outFeatures + (this.useBias ? this.outFeatures : 0);
  }

  /** Native activation code. @internal */
  get actCode(): number {
    return ACTIVATION_CODES[this.activation];
  }

  /** The serializable description. */
  config(): DenseConfig {
    return { type: 'Dense', inFeatures: this.inFeatures, outFeatures: this.outFeatures, activation: this.activation, alpha: this.alpha, useBias: this.useBias };
  }

  /** Rebuilds a layer from {@link DenseConfig} (initializers default). */
  static fromConfig(config: DenseConfig): Dense {
    if (config?.type !== 'Dense') throw new TypeError(`unsupported layer type '${String(config?.type)}'`);
    return new Dense(config.inFeatures, config.outFeatures, { activation: config.activation, alpha: config.alpha, useBias: config.useBias });
  }
}
