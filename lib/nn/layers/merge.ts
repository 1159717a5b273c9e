/**
 * Merges of the functional API: `add([a, b])` sums same-shaped tensors (a
 * residual connection); `concatenate([a, b])` joins them along channels
 * (PyTorch's dim 1; the features of vectors). Neither has parameters.
 * @packageDocumentation
 */
import { OP_CODES } from '../../native_codes';
import { fmt, Layer, type EmitContext, type LayerOptions, type Shape, type SymbolicTensor } from './layer';

/** Elementwise sum of its inputs. */
export class Add extends Layer {
  constructor(options: LayerOptions = {}) {
    super(options);
  }

  get className(): string {
    return 'Add';
  }

  override get arity(): 'many' {
    return 'many';
  }

  override torchModules(): number {
    return 0;
  }

  outputShape(inputs: Shape[]): Shape {
    inputs.forEach((s, i) => {
      if (fmt(s) !== fmt(inputs[0])) throw this.shapeError(`input ${i} has shape ${fmt(s)}, input 0 has ${fmt(inputs[0])}`);
    });
    return inputs[0];
  }

  emit(ctx: EmitContext, inputs: number[], _shapes: Shape[], output: Shape): number {
    const y = ctx.slot(output);
    ctx.op(OP_CODES.add, inputs, y);
    return y;
  }

  config(): Record<string, unknown> {
    return {};
  }

  static fromConfig(c: { name?: string }): Add {
    return new Add({ name: c.name });
  }
}

/** Joins its inputs along channels (the first axis of a sample). */
export class Concatenate extends Layer {
  constructor(options: LayerOptions = {}) {
    super(options);
  }

  get className(): string {
    return 'Concatenate';
  }

  override get arity(): 'many' {
    return 'many';
  }

  override torchModules(): number {
    return 0;
  }

  outputShape(inputs: Shape[]): Shape {
    const rest = (s: Shape) => fmt(s.slice(1));
    inputs.forEach((s, i) => {
      if (s.length !== inputs[0].length || rest(s) !== rest(inputs[0])) {
        throw this.shapeError(`input ${i} has shape ${fmt(s)}, which differs from input 0 ${fmt(inputs[0])} beyond the channel axis`);
      }
    });
    if (inputs[0].length === 2) throw this.shapeError(`rank-2 inputs [seq, dim] are not supported (concatenate vectors or images)`);
    return [inputs.reduce((n, s) => n + s[0], 0), ...inputs[0].slice(1)];
  }

  emit(ctx: EmitContext, inputs: number[], _shapes: Shape[], output: Shape): number {
    const y = ctx.slot(output);
    ctx.op(OP_CODES.concat, inputs, y);
    return y;
  }

  config(): Record<string, unknown> {
    return {};
  }

  static fromConfig(c: { name?: string }): Concatenate {
    return new Concatenate({ name: c.name });
  }
}

/** `add([a, b, ...])`: a new {@link Add} layer applied to the tensors. */
export function add(inputs: SymbolicTensor[], options: LayerOptions = {}): SymbolicTensor {
  return new Add(options).apply(inputs);
}

/** `concatenate([a, b, ...])`: a new {@link Concatenate} layer applied to the tensors. */
export function concatenate(inputs: SymbolicTensor[], options: LayerOptions = {}): SymbolicTensor {
  return new Concatenate(options).apply(inputs);
}
