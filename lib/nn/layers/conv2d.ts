/**
 * 2-D convolution (PyTorch's Conv2d / Keras's Conv2D): kernel size, stride,
 * padding ('valid', 'same' as TensorFlow, or explicit), dilation, groups
 * (depthwise when groups = input channels), bias and a fused activation
 * (ReLU goes into the GEMM's store). Weights are HWIO internally
 * ([kh, kw, in/groups, out], the kernels' layout) and PyTorch's
 * [out, in/groups, kh, kw] in checkpoints.
 * @packageDocumentation
 */
import { ACT_CODES, OP_CODES } from '../../native_codes';
import { checkActivation, type ActivationName } from '../activations';
import { resolveInitializer, type InitializerFn, type InitializerLike } from '../initializers';
import { checkPrecision, checkShape, Layer, type EmitContext, type LayerOptions, type LayerPrecision, type Shape, type TensorSpec } from './layer';
import { checkPadding, outSize, padAxis, pair, requireImage, type Padding } from './spatial';

/** Options of {@link Conv2D}. */
export interface Conv2DOptions extends LayerOptions {
  /** Stride (default 1). */
  strides?: number | [number, number];
  /** 'valid' (default), 'same' or explicit padding. */
  padding?: Padding;
  /** Dilation (default 1). */
  dilation?: number | [number, number];
  /** Groups (default 1; input channels = depthwise). */
  groups?: number;
  /** Fused activation (default 'linear'). */
  activation?: ActivationName;
  /** leakyRelu's slope (default 0.01). */
  alpha?: number;
  /** Whether the layer has a bias (default true). */
  useBias?: boolean;
  /** Expected input channels (checked when the model is built). */
  inChannels?: number;
  /** Per-sample input shape [c, h, w], for the first layer of a Sequential. */
  inputShape?: number[];
  /** Initializer of the filter (default heUniform for relu-like, else glorotUniform). */
  kernelInitializer?: InitializerLike;
  /** Initializer of the bias (default zeros). */
  biasInitializer?: InitializerLike;
  /**
   * `'bf16'`: the convolution's GEMMs (forward, input and filter gradients)
   * round their inputs to bfloat16 and sum in fp32, through im2col (the
   * direct fp32 kernels are skipped); depthwise convolutions stay fp32.
   * Weights and gradients stay fp32 (docs/bf16.md). Default `'fp32'`.
   */
  precision?: LayerPrecision;
}

const KEYS = new Set(['strides', 'padding', 'dilation', 'groups', 'activation', 'alpha', 'useBias', 'inChannels', 'inputShape', 'kernelInitializer', 'biasInitializer', 'precision', 'name']);

/** [kh, kw, ci, co] -> [co, ci, kh, kw] and back. */
function hwioToOihw(w: Float32Array, kh: number, kw: number, ci: number, co: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) for (let c = 0; c < ci; c++) for (let o = 0; o < co; o++) {
    out[((o * ci + c) * kh + i) * kw + j] = w[((i * kw + j) * ci + c) * co + o];
  }
  return out;
}
function oihwToHwio(w: Float32Array, kh: number, kw: number, ci: number, co: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) for (let c = 0; c < ci; c++) for (let o = 0; o < co; o++) {
    out[((i * kw + j) * ci + c) * co + o] = w[((o * ci + c) * kh + i) * kw + j];
  }
  return out;
}

/** A 2-D convolution layer (see the module docs). */
export class Conv2D extends Layer {
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;
  readonly dilation: [number, number];
  readonly groups: number;
  readonly activation: ActivationName;
  readonly alpha: number;
  readonly useBias: boolean;
  readonly inChannels: number | null;
  readonly inputShape: Shape | null;
  readonly kernelInitializer: InitializerFn;
  readonly biasInitializer: InitializerFn;
  readonly precision: LayerPrecision;

  /**
   * @example
   * ```ts
   * new Conv2D(32, 3, { activation: 'relu', inputShape: [1, 28, 28] });
   * ```
   */
  constructor(filters: number, kernelSize: number | [number, number], options: Conv2DOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new TypeError(`'options' must be an object`);
    for (const key of Object.keys(options)) if (!KEYS.has(key)) throw new TypeError(`Conv2D: unknown option '${key}'`);
    super(options);
    if (typeof filters !== 'number' || !Number.isSafeInteger(filters) || filters < 1 || filters > 1 << 20) throw new RangeError(`'filters' must be an integer in [1, 2^20] (got ${filters})`);
    this.filters = filters;
    this.kernelSize = pair(kernelSize, 'kernelSize', 1);
    this.strides = pair(options.strides ?? 1, 'strides', 1);
    this.padding = checkPadding(options.padding ?? 'valid');
    this.dilation = pair(options.dilation ?? 1, 'dilation', 1);
    const groups = options.groups ?? 1;
    if (!Number.isSafeInteger(groups) || groups < 1 || filters % groups !== 0) throw new RangeError(`'groups' must be an integer >= 1 that divides filters ${filters} (got ${groups})`);
    this.groups = groups;
    this.activation = checkActivation(options.activation ?? 'linear', "'activation'");
    this.alpha = options.alpha ?? 0.01;
    if (typeof this.alpha !== 'number' || !Number.isFinite(this.alpha) || this.alpha < 0) throw new RangeError(`'alpha' must be a finite number >= 0`);
    if (options.useBias !== undefined && typeof options.useBias !== 'boolean') throw new TypeError(`'useBias' must be a boolean`);
    this.useBias = options.useBias ?? true;
    this.inputShape = options.inputShape !== undefined ? checkShape(options.inputShape, 'inputShape') : null;
    const ic = options.inChannels ?? this.inputShape?.[0] ?? null;
    if (ic !== null && (!Number.isSafeInteger(ic) || ic < 1)) throw new RangeError(`'inChannels' must be an integer >= 1`);
    this.inChannels = ic;
    const he = this.activation === 'relu' || this.activation === 'leakyRelu' || this.activation === 'gelu';
    this.kernelInitializer = resolveInitializer(options.kernelInitializer ?? (he ? 'heUniform' : 'glorotUniform'), "'kernelInitializer'");
    this.biasInitializer = resolveInitializer(options.biasInitializer ?? 'zeros', "'biasInitializer'");
    this.precision = checkPrecision(options.precision, 'Conv2D');
  }

  get className(): string {
    return 'Conv2D';
  }

  override declaredInputShape(): Shape | null {
    return this.inputShape;
  }

  override torchModules(): number {
    return this.activation === 'linear' ? 1 : 2;
  }

  private geometry(input: Shape) {
    requireImage(this, input);
    const [c, h, w] = input;
    if (this.inChannels !== null && c !== this.inChannels) throw this.shapeError(`input has ${c} channels, the layer expects ${this.inChannels}`);
    if (c % this.groups !== 0) throw this.shapeError(`input has ${c} channels, not divisible by groups ${this.groups}`);
    const [kh, kw] = this.kernelSize, [sh, sw] = this.strides, [dh, dw] = this.dilation;
    const ph = padAxis(this.padding, 0, h, kh, sh, dh), pw = padAxis(this.padding, 1, w, kw, sw, dw);
    const oh = outSize(this, input, 0, ph, kh, sh, dh), ow = outSize(this, input, 1, pw, kw, sw, dw);
    return { c, cg: c / this.groups, kh, kw, sh, sw, dh, dw, ph, pw, oh, ow };
  }

  outputShape(inputs: Shape[]): Shape {
    const g = this.geometry(inputs[0]);
    return [this.filters, g.oh, g.ow];
  }

  override params(inputs: Shape[]): TensorSpec[] {
    const { cg, kh, kw } = this.geometry(inputs[0]);
    const o = this.filters;
    const specs: TensorSpec[] = [{
      key: 'weight', size: kh * kw * cg * o, torchShape: [o, cg, kh, kw], initShape: [kh, kw, cg, o], init: this.kernelInitializer,
      toTorch: (w) => hwioToOihw(w, kh, kw, cg, o), fromTorch: (w) => oihwToHwio(w, kh, kw, cg, o),
    }];
    if (this.useBias) specs.push({ key: 'bias', size: o, torchShape: [o], initShape: [o], init: this.biasInitializer });
    return specs;
  }

  emit(ctx: EmitContext, inputs: number[], shapes: Shape[], output: Shape): number {
    const g = this.geometry(shapes[0]);
    const split = this.activation === 'softmax';
    const attrs: Record<string, number> = {
      outC: this.filters, kh: g.kh, kw: g.kw, sh: g.sh, sw: g.sw, pt: g.ph[0], pb: g.ph[1], pl: g.pw[0], pr: g.pw[1], dh: g.dh, dw: g.dw,
      groups: this.groups, act: split ? ACT_CODES.linear : ACT_CODES[this.activation], alpha: this.alpha, w: ctx.param('weight'),
    };
    if (this.useBias) attrs.b = ctx.param('bias');
    if (this.precision === 'bf16') attrs.prec = 1;
    const z = ctx.slot(output);
    ctx.op(OP_CODES.conv2d, inputs, z, attrs);
    if (!split) return z;
    const y = ctx.slot(output);
    ctx.op(OP_CODES.activation, [z], y, { act: ACT_CODES.softmax, alpha: 0 });
    return y;
  }

  config(): Record<string, unknown> {
    return {
      filters: this.filters, kernelSize: this.kernelSize, strides: this.strides, padding: this.padding, dilation: this.dilation, groups: this.groups,
      activation: this.activation, alpha: this.alpha, useBias: this.useBias, inChannels: this.inChannels, inputShape: this.inputShape ? [...this.inputShape] : undefined,
      ...(this.precision === 'bf16' ? { precision: 'bf16' } : {}),
    };
  }

  static fromConfig(c: Record<string, unknown>): Conv2D {
    const o: Conv2DOptions = {
      strides: c.strides as [number, number], padding: c.padding as Padding, dilation: c.dilation as [number, number], groups: c.groups as number,
      activation: c.activation as ActivationName, alpha: c.alpha as number, useBias: c.useBias as boolean, name: c.name as string | undefined,
    };
    if (typeof c.inChannels === 'number') o.inChannels = c.inChannels;
    if (Array.isArray(c.inputShape)) o.inputShape = c.inputShape as number[];
    if (c.precision !== undefined) o.precision = c.precision as LayerPrecision;
    return new Conv2D(c.filters as number, c.kernelSize as [number, number], o);
  }
}

