/**
 * A fully connected layer: `y = act(x·W + b)` with `W` stored `[in, out]`
 * row-major (the forward pass is one GEMM, X·W; ReLU is fused into its store)
 * and `b` of `out` floats. In checkpoints W is PyTorch's Linear weight
 * `[out, in]`. Inputs of any shape are read as `in` features (after a
 * Flatten, in PyTorch's NCHW flatten order).
 * @packageDocumentation
 */
import { ACT_CODES, OP_CODES } from '../../native_codes';
import { checkActivation, type ActivationName } from '../activations';
import { resolveInitializer, type InitializerFn, type InitializerLike } from '../initializers';
import { checkPrecision, fmt, Layer, shapeSize, type EmitContext, type LayerOptions, type LayerPrecision, type Shape, type TensorSpec } from './layer';

/** Options of {@link Dense}. */
export interface DenseOptions extends LayerOptions {
  /** Activation after the affine map (default `'linear'`). */
  activation?: ActivationName;
  /** Negative slope of `leakyRelu` (default 0.01, as PyTorch). */
  alpha?: number;
  /** Initializer of W, a name or function (default `'heUniform'` for relu/leakyRelu/gelu, else `'glorotUniform'`). */
  kernelInitializer?: InitializerLike;
  /** Initializer of b (default `'zeros'`). */
  biasInitializer?: InitializerLike;
  /** Whether the layer has a bias (default true). */
  useBias?: boolean;
  /**
   * `'bf16'`: the forward and backward GEMMs round their inputs (x, W, the
   * output gradient) to bfloat16 and sum in fp32; W, b and the gradients stay
   * fp32 (docs/bf16.md). Default `'fp32'`.
   */
  precision?: LayerPrecision;
}

/** The serializable description of a Dense layer (saved in checkpoints). */
export interface DenseConfig {
  type: 'Dense';
  inFeatures: number;
  outFeatures: number;
  activation: ActivationName;
  alpha: number;
  useBias: boolean;
  /** Present when 'bf16'. */
  precision?: LayerPrecision;
  name?: string;
}

const DENSE_KEYS = new Set(['activation', 'alpha', 'kernelInitializer', 'biasInitializer', 'useBias', 'precision', 'name']);

function checkFeatures(n: unknown, name: string): number {
  if (typeof n !== 'number') throw new TypeError(`'${name}' must be a number (got ${typeof n})`);
  if (!Number.isSafeInteger(n) || n < 1 || n > 1 << 24) throw new RangeError(`'${name}' must be an integer in [1, 2^24] (got ${n})`);
  return n;
}

/** W [in, out] -> PyTorch [out, in] and back. @internal */
export function transpose(src: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(src.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = src[i * cols + j];
  return out;
}

/** Activations that a loss can fuse with; they are emitted as their own op after the GEMM. */
const SPLIT_ACTS = new Set<ActivationName>(['softmax', 'sigmoid']);

/** A fully connected layer (see the module docs). */
export class Dense extends Layer {
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
  /** How its GEMMs multiply. */
  readonly precision: LayerPrecision;
  private inputFeatures: number | null;

  /**
   * `new Dense(in, out, options)`, or `new Dense(out, options)` with the input
   * size taken from the previous layer when the model is built.
   * @throws TypeError / RangeError naming the bad argument.
   * @example
   * ```ts
   * const hidden = new Dense(784, 256, { activation: 'relu' });
   * const head = new Dense(10); // input size inferred
   * ```
   */
  constructor(inFeatures: number, outFeatures?: number | DenseOptions, options: DenseOptions = {}) {
    const unitsOnly = outFeatures === undefined || (typeof outFeatures === 'object' && outFeatures !== null);
    const opts = (unitsOnly ? outFeatures ?? {} : options) as DenseOptions;
    if (typeof opts !== 'object' || opts === null) throw new TypeError(`'options' must be an object`);
    for (const key of Object.keys(opts)) if (!DENSE_KEYS.has(key)) throw new TypeError(`Dense: unknown option '${key}'`);
    super(opts);
    this.inputFeatures = unitsOnly ? null : checkFeatures(inFeatures, 'inFeatures');
    this.outFeatures = checkFeatures(unitsOnly ? inFeatures : outFeatures, 'outFeatures');
    this.activation = checkActivation(opts.activation ?? 'linear', "'activation'");
    const alpha = opts.alpha ?? 0.01;
    if (typeof alpha !== 'number' || !Number.isFinite(alpha) || alpha < 0) throw new RangeError(`'alpha' must be a finite number >= 0 (got ${alpha})`);
    this.alpha = alpha;
    if (opts.useBias !== undefined && typeof opts.useBias !== 'boolean') throw new TypeError(`'useBias' must be a boolean`);
    this.useBias = opts.useBias ?? true;
    const he = this.activation === 'relu' || this.activation === 'leakyRelu' || this.activation === 'gelu';
    this.kernelInitializer = resolveInitializer(opts.kernelInitializer ?? (he ? 'heUniform' : 'glorotUniform'), "'kernelInitializer'");
    this.biasInitializer = resolveInitializer(opts.biasInitializer ?? 'zeros', "'biasInitializer'");
    this.precision = checkPrecision(opts.precision, 'Dense');
  }

  get className(): string {
    return 'Dense';
  }

  /** Input features (0 until known: given, or set when the model is built). */
  get inFeatures(): number {
    return this.inputFeatures ?? 0;
  }

  /** The input shape a Sequential starting with this layer gets. */
  override declaredInputShape(): Shape | null {
    return this.inputFeatures === null ? null : [this.inputFeatures];
  }

  /** Number of trainable floats (W and b). */
  get paramCount(): number {
    return this.inFeatures * this.outFeatures + (this.useBias ? this.outFeatures : 0);
  }

  /** Native activation code. @internal */
  get actCode(): number {
    return ACT_CODES[this.activation];
  }

  /** W `[in, out]` (a view into the model's arena). */
  get weight(): Float32Array {
    return this.bound.weight?.data ?? new Float32Array(0);
  }
  /** b `[out]` (empty without bias). */
  get bias(): Float32Array {
    return this.bound.bias?.data ?? new Float32Array(0);
  }
  /** dLoss/dW. */
  get weightGrad(): Float32Array {
    return this.bound.weight?.grad ?? new Float32Array(0);
  }
  /** dLoss/db. */
  get biasGrad(): Float32Array {
    return this.bound.bias?.grad ?? new Float32Array(0);
  }

  outputShape(inputs: Shape[]): Shape {
    const n = shapeSize(inputs[0]);
    if (this.inputFeatures !== null && n !== this.inputFeatures) {
      throw new RangeError(`${this.label} takes ${this.inputFeatures} features but its input ${fmt(inputs[0])} gives ${n}`);
    }
    if (this.owner === null) this.inputFeatures = n;
    return [this.outFeatures];
  }

  override params(inputs: Shape[]): TensorSpec[] {
    const i = shapeSize(inputs[0]), o = this.outFeatures;
    const specs: TensorSpec[] = [{
      key: 'weight', size: i * o, torchShape: [o, i], initShape: [i, o], init: this.kernelInitializer,
      toTorch: (w) => transpose(w, i, o), fromTorch: (w) => transpose(w, o, i),
    }];
    if (this.useBias) specs.push({ key: 'bias', size: o, torchShape: [o], initShape: [o], init: this.biasInitializer });
    return specs;
  }

  override torchModules(): number {
    return this.activation === 'linear' ? 1 : 2;
  }

  emit(ctx: EmitContext, inputs: number[], inputShapes: Shape[], output: Shape): number {
    const split = SPLIT_ACTS.has(this.activation);
    const attrs: Record<string, number> = {
      in: shapeSize(inputShapes[0]), out: this.outFeatures, act: split ? ACT_CODES.linear : this.actCode, alpha: this.alpha, w: ctx.param('weight'),
    };
    if (this.useBias) attrs.b = ctx.param('bias');
    if (this.precision === 'bf16') attrs.prec = 1;
    const z = ctx.slot(output);
    ctx.op(OP_CODES.dense, inputs, z, attrs);
    if (!split) return z;
    const y = ctx.slot(output);
    ctx.op(OP_CODES.activation, [z], y, { act: this.actCode, alpha: this.alpha });
    return y;
  }

  /** The serializable description. */
  config(): DenseConfig {
    const c: DenseConfig = { type: 'Dense', inFeatures: this.inFeatures, outFeatures: this.outFeatures, activation: this.activation, alpha: this.alpha, useBias: this.useBias };
    if (this.precision === 'bf16') c.precision = 'bf16';
    return c;
  }

  /** Rebuilds a layer from {@link DenseConfig} (initializers default). */
  static fromConfig(config: DenseConfig): Dense {
    if (config?.type !== 'Dense') throw new TypeError(`unsupported layer type '${String(config?.type)}'`);
    const opts: DenseOptions = { activation: config.activation, alpha: config.alpha, useBias: config.useBias };
    if (config.precision !== undefined) opts.precision = config.precision;
    if (config.name !== undefined) opts.name = config.name;
    return config.inFeatures ? new Dense(config.inFeatures, config.outFeatures, opts) : new Dense(config.outFeatures, opts);
  }
}
