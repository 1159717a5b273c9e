/**
 * Pooling layers: MaxPool2D and AvgPool2D (window, stride = window by
 * default, padding 'valid' | 'same' | n; AvgPool counts padding like PyTorch,
 * except with 'same', where it averages only the in-bounds pixels as Keras),
 * and GlobalAveragePooling2D ([c, h, w] -> [c], PyTorch's
 * AdaptiveAvgPool2d(1) + Flatten, two modules in Sequential indices).
 * @packageDocumentation
 */
import { OP_CODES } from '../../native_codes';
import { Layer, type EmitContext, type LayerOptions, type Shape } from './layer';
import { checkPadding, outSize, padAxis, pair, requireImage, type Padding } from './spatial';

/** Options of the 2-D pooling layers. */
export interface Pool2DOptions extends LayerOptions {
  /** Stride (default: the pool size). */
  strides?: number | [number, number];
  /** 'valid' (default), 'same' or explicit padding. */
  padding?: Padding;
}

abstract class Pool2D extends Layer {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;

  constructor(poolSize: number | [number, number] = 2, options: Pool2DOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new TypeError(`'options' must be an object`);
    super(options);
    this.poolSize = pair(poolSize, 'poolSize', 1);
    this.strides = pair(options.strides ?? this.poolSize, 'strides', 1);
    this.padding = checkPadding(options.padding ?? 'valid');
  }

  protected geometry(input: Shape) {
    requireImage(this, input);
    const [kh, kw] = this.poolSize, [sh, sw] = this.strides;
    const ph = padAxis(this.padding, 0, input[1], kh, sh, 1), pw = padAxis(this.padding, 1, input[2], kw, sw, 1);
    if (ph[0] >= kh || ph[1] >= kh || pw[0] >= kw || pw[1] >= kw) throw this.shapeError(`padding must be smaller than the window ${kh}x${kw}`);
    return { kh, kw, sh, sw, ph, pw, oh: outSize(this, input, 0, ph, kh, sh, 1), ow: outSize(this, input, 1, pw, kw, sw, 1) };
  }

  outputShape(inputs: Shape[]): Shape {
    const g = this.geometry(inputs[0]);
    return [inputs[0][0], g.oh, g.ow];
  }

  protected attrs(shape: Shape): Record<string, number> {
    const g = this.geometry(shape);
    return { kh: g.kh, kw: g.kw, sh: g.sh, sw: g.sw, pt: g.ph[0], pb: g.ph[1], pl: g.pw[0], pr: g.pw[1] };
  }

  config(): Record<string, unknown> {
    return { poolSize: this.poolSize, strides: this.strides, padding: this.padding };
  }
}

/** Max pooling. */
export class MaxPool2D extends Pool2D {
  get className(): string {
    return 'MaxPool2D';
  }

  emit(ctx: EmitContext, inputs: number[], shapes: Shape[], output: Shape): number {
    const y = ctx.slot(output);
    ctx.op(OP_CODES.maxPool2d, inputs, y, this.attrs(shapes[0]));
    return y;
  }

  static fromConfig(c: { poolSize: [number, number]; strides: [number, number]; padding: Padding; name?: string }): MaxPool2D {
    return new MaxPool2D(c.poolSize, { strides: c.strides, padding: c.padding, name: c.name });
  }
}

/** Average pooling. */
export class AvgPool2D extends Pool2D {
  get className(): string {
    return 'AvgPool2D';
  }

  emit(ctx: EmitContext, inputs: number[], shapes: Shape[], output: Shape): number {
    const y = ctx.slot(output);
    ctx.op(OP_CODES.avgPool2d, inputs, y, { ...this.attrs(shapes[0]), countIncludePad: this.padding === 'same' ? 0 : 1 });
    return y;
  }

  static fromConfig(c: { poolSize: [number, number]; strides: [number, number]; padding: Padding; name?: string }): AvgPool2D {
    return new AvgPool2D(c.poolSize, { strides: c.strides, padding: c.padding, name: c.name });
  }
}

/** Mean over height and width: [c, h, w] -> [c]. */
export class GlobalAveragePooling2D extends Layer {
  constructor(options: LayerOptions = {}) {
    super(options);
  }

  get className(): string {
    return 'GlobalAveragePooling2D';
  }

  override torchModules(): number {
    return 2;
  }

  outputShape(inputs: Shape[]): Shape {
    requireImage(this, inputs[0]);
    return [inputs[0][0]];
  }

  emit(ctx: EmitContext, inputs: number[], _shapes: Shape[], output: Shape): number {
    const y = ctx.slot(output);
    ctx.op(OP_CODES.globalAvgPool2d, inputs, y);
    return y;
  }

  config(): Record<string, unknown> {
    return {};
  }

  static fromConfig(c: { name?: string }): GlobalAveragePooling2D {
    return new GlobalAveragePooling2D({ name: c.name });
  }
}
