/**
 * An activation as its own layer (`new Activation('relu')`, PyTorch's
 * `nn.ReLU()` etc.): elementwise, or softmax over each sample's features.
 * @packageDocumentation
 */
import { OP_CODES, ACT_CODES } from '../../native_codes';
import { checkActivation, type ActivationName } from '../activations';
import { Layer, type EmitContext, type LayerOptions, type Shape } from './layer';

/** Options of {@link Activation}. */
export interface ActivationOptions extends LayerOptions {
  /** leakyRelu's negative slope (default 0.01). */
  alpha?: number;
}

/** An activation layer. */
export class Activation extends Layer {
  /** The function. */
  readonly activation: ActivationName;
  /** leakyRelu's slope. */
  readonly alpha: number;

  constructor(activation: ActivationName, options: ActivationOptions = {}) {
    super(options);
    this.activation = checkActivation(activation, "'activation'");
    const alpha = options.alpha ?? 0.01;
    if (typeof alpha !== 'number' || !Number.isFinite(alpha) || alpha < 0) throw new RangeError(`'alpha' must be a finite number >= 0 (got ${alpha})`);
    this.alpha = alpha;
  }

  get className(): string {
    return 'Activation';
  }

  outputShape(inputs: Shape[]): Shape {
    return inputs[0];
  }

  override torchModules(): number {
    return this.activation === 'linear' ? 0 : 1;
  }

  emit(ctx: EmitContext, inputs: number[], _shapes: Shape[], output: Shape): number {
    const y = ctx.slot(output);
    ctx.op(OP_CODES.activation, inputs, y, { act: ACT_CODES[this.activation], alpha: this.alpha });
    return y;
  }

  config(): Record<string, unknown> {
    return { activation: this.activation, alpha: this.alpha };
  }

  static fromConfig(c: { activation: ActivationName; alpha: number; name?: string }): Activation {
    return new Activation(c.activation, { alpha: c.alpha, name: c.name });
  }
}
