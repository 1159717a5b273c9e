/**
 * Flatten: `[c, h, w]` -> `[c·h·w]` in PyTorch's order (channel-major), so a
 * Dense after it has the weights of torch's Linear after `nn.Flatten()`.
 * @packageDocumentation
 */
import { OP_CODES } from '../../native_codes';
import { Layer, shapeSize, type EmitContext, type LayerOptions, type Shape } from './layer';

/** Flattens each sample to a feature vector. */
export class Flatten extends Layer {
  constructor(options: LayerOptions = {}) {
    super(options);
  }

  get className(): string {
    return 'Flatten';
  }

  outputShape(inputs: Shape[]): Shape {
    return [shapeSize(inputs[0])];
  }

  emit(ctx: EmitContext, inputs: number[], shapes: Shape[], output: Shape): number {
    const y = ctx.slot(output);
    ctx.op(OP_CODES.flatten, inputs, y, { nchw: shapes[0].length === 3 ? 1 : 0 });
    return y;
  }

  config(): Record<string, unknown> {
    return {};
  }

  static fromConfig(c: { name?: string }): Flatten {
    return new Flatten({ name: c.name });
  }
}
