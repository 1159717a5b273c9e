/**
 * BatchNorm (PyTorch's BatchNorm1d on [c], BatchNorm2d on [c, h, w]): batch
 * statistics in training, running mean/var (updated with `momentum`, as
 * PyTorch: new = (1 - m)·old + m·batch) in evaluation; parameters `weight`,
 * `bias`, buffers `running_mean`, `running_var`, `num_batches_tracked`.
 * LayerNorm over the last axis of [features] or [seq, dim] inputs
 * (PyTorch's LayerNorm(dim)): `weight`, `bias`.
 * @packageDocumentation
 */
import { OP_CODES } from '../../native_codes';
import { fmt, Layer, type EmitContext, type LayerOptions, type Shape, type TensorSpec } from './layer';
import { getInitializer } from '../../init';

/** Options of {@link BatchNorm}. */
export interface BatchNormOptions extends LayerOptions {
  /** Running-statistics momentum (default 0.1, PyTorch's). */
  momentum?: number;
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Learnable scale and shift (default true). */
  affine?: boolean;
}

function checkEps(eps: unknown): number {
  if (typeof eps !== 'number' || !(eps > 0) || !Number.isFinite(eps)) throw new RangeError(`'eps' must be a finite number > 0`);
  return eps;
}

function affineSpecs(c: number): TensorSpec[] {
  return [
    { key: 'weight', size: c, torchShape: [c], initShape: [c], init: getInitializer('ones') },
    { key: 'bias', size: c, torchShape: [c], initShape: [c], init: getInitializer('zeros') },
  ];
}

/** Batch normalization over channels. */
export class BatchNorm extends Layer {
  readonly momentum: number;
  readonly eps: number;
  readonly affine: boolean;

  constructor(options: BatchNormOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new TypeError(`'options' must be an object`);
    super(options);
    const m = options.momentum ?? 0.1;
    if (typeof m !== 'number' || !(m >= 0 && m <= 1)) throw new RangeError(`'momentum' must be in [0, 1] (got ${m})`);
    this.momentum = m;
    this.eps = checkEps(options.eps ?? 1e-5);
    this.affine = options.affine ?? true;
  }

  get className(): string {
    return 'BatchNorm';
  }

  outputShape(inputs: Shape[]): Shape {
    if (inputs[0].length === 2) throw this.shapeError(`input ${fmt(inputs[0])}: give [channels] or [channels, height, width]`);
    return inputs[0];
  }

  override params(inputs: Shape[]): TensorSpec[] {
    return this.affine ? affineSpecs(inputs[0][0]) : [];
  }

  override buffers(inputs: Shape[]): TensorSpec[] {
    const c = inputs[0][0];
    return [
      { key: 'running_mean', size: c, torchShape: [c], initShape: [c], init: 0 },
      { key: 'running_var', size: c, torchShape: [c], initShape: [c], init: 1 },
      { key: 'num_batches_tracked', size: 1, torchShape: [], initShape: [1], init: 0, dtype: 'I64' },
    ];
  }

  emit(ctx: EmitContext, inputs: number[], shapes: Shape[], output: Shape): number {
    const y = ctx.slot(output);
    const attrs: Record<string, number> = {
      c: shapes[0][0], eps: this.eps, momentum: this.momentum, mean: ctx.buffer('running_mean'), var: ctx.buffer('running_var'), nbt: ctx.buffer('num_batches_tracked'),
    };
    if (this.affine) Object.assign(attrs, { gamma: ctx.param('weight'), beta: ctx.param('bias') });
    ctx.op(OP_CODES.batchNorm, inputs, y, attrs);
    return y;
  }

  config(): Record<string, unknown> {
    return { momentum: this.momentum, eps: this.eps, affine: this.affine };
  }

  static fromConfig(c: { momentum: number; eps: number; affine: boolean; name?: string }): BatchNorm {
    return new BatchNorm({ momentum: c.momentum, eps: c.eps, affine: c.affine, name: c.name });
  }
}

/** Options of {@link LayerNorm}. */
export interface LayerNormOptions extends LayerOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Learnable scale and shift (default true). */
  affine?: boolean;
}

/** Layer normalization over the last axis. */
export class LayerNorm extends Layer {
  readonly eps: number;
  readonly affine: boolean;

  constructor(options: LayerNormOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new TypeError(`'options' must be an object`);
    super(options);
    this.eps = checkEps(options.eps ?? 1e-5);
    this.affine = options.affine ?? true;
  }

  get className(): string {
    return 'LayerNorm';
  }

  outputShape(inputs: Shape[]): Shape {
    if (inputs[0].length === 3) throw this.shapeError(`input ${fmt(inputs[0])}: LayerNorm normalizes the last axis of [features] or [seq, dim] inputs`);
    return inputs[0];
  }

  override params(inputs: Shape[]): TensorSpec[] {
    return this.affine ? affineSpecs(inputs[0][inputs[0].length - 1]) : [];
  }

  emit(ctx: EmitContext, inputs: number[], shapes: Shape[], output: Shape): number {
    const y = ctx.slot(output);
    const attrs: Record<string, number> = { d: shapes[0][shapes[0].length - 1], eps: this.eps };
    if (this.affine) Object.assign(attrs, { gamma: ctx.param('weight'), beta: ctx.param('bias') });
    ctx.op(OP_CODES.layerNorm, inputs, y, attrs);
    return y;
  }

  config(): Record<string, unknown> {
    return { eps: this.eps, affine: this.affine };
  }

  static fromConfig(c: { eps: number; affine: boolean; name?: string }): LayerNorm {
    return new LayerNorm({ eps: c.eps, affine: c.affine, name: c.name });
  }
}
