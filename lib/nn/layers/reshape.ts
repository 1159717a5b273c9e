/**
 * Reshape: each sample to `targetShape` (same number of elements), in
 * PyTorch's element order (`x.reshape(batch, ...targetShape)` on NCHW).
 * @packageDocumentation
 */
import { OP_CODES } from '../../native_codes';
import { checkShape, fmt, Layer, nativeShape, shapeSize, type EmitContext, type LayerOptions, type Shape } from './layer';

/** Reshapes each sample. */
export class Reshape extends Layer {
  /** The per-sample output shape. */
  readonly targetShape: Shape;

  constructor(targetShape: number[], options: LayerOptions = {}) {
    super(options);
    this.targetShape = checkShape(targetShape, 'targetShape');
  }

  get className(): string {
    return 'Reshape';
  }

  outputShape(inputs: Shape[]): Shape {
    if (shapeSize(inputs[0]) !== shapeSize(this.targetShape)) {
      throw this.shapeError(`input ${fmt(inputs[0])} has ${shapeSize(inputs[0])} elements, the target ${fmt(this.targetShape)} has ${shapeSize(this.targetShape)}`);
    }
    return this.targetShape;
  }

  override torchModules(): number {
    return 1;
  }

  emit(ctx: EmitContext, inputs: number[], shapes: Shape[], output: Shape): number {
    const y = ctx.slot(output);
    const [h, w, c] = nativeShape(output);
    ctx.op(OP_CODES.reshape, inputs, y, { h, w, c, fromNchw: shapes[0].length === 3 ? 1 : 0, toNchw: output.length === 3 ? 1 : 0 });
    return y;
  }

  config(): Record<string, unknown> {
    return { targetShape: [...this.targetShape] };
  }

  static fromConfig(c: { targetShape: number[]; name?: string }): Reshape {
    return new Reshape(c.targetShape, { name: c.name });
  }
}
