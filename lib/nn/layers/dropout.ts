/**
 * Dropout: in training, each element is zeroed with probability `rate` and
 * the rest scaled by 1/(1 - rate) (inverted dropout), with masks from the
 * Philox stream of the model seed and the step (reproducible per seed);
 * identity in evaluation (`evaluate`, `predict`).
 * @packageDocumentation
 */
import { OP_CODES } from '../../native_codes';
import { Layer, type EmitContext, type LayerOptions, type Shape } from './layer';

/** A dropout layer. */
export class Dropout extends Layer {
  /** Probability of dropping an element. */
  readonly rate: number;

  constructor(rate: number, options: LayerOptions = {}) {
    super(options);
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw new RangeError(`'rate' must be a number in [0, 1) (got ${rate})`);
    this.rate = rate;
  }

  get className(): string {
    return 'Dropout';
  }

  outputShape(inputs: Shape[]): Shape {
    return inputs[0];
  }

  emit(ctx: EmitContext, inputs: number[], _shapes: Shape[], output: Shape): number {
    const y = ctx.slot(output);
    ctx.op(OP_CODES.dropout, inputs, y, { p: this.rate });
    return y;
  }

  config(): Record<string, unknown> {
    return { rate: this.rate };
  }

  static fromConfig(c: { rate: number; name?: string }): Dropout {
    return new Dropout(c.rate, { name: c.name });
  }
}
