/**
 * Embedding: integer ids -> rows of a learned table (PyTorch's
 * `nn.Embedding(inputDim, outputDim)`, parameter `weight` [inputDim,
 * outputDim]). The input of a model whose first layer is an Embedding is an
 * Int32Array of ids (`{ rows, cols: seq, data: Int32Array }`), each in
 * `[0, inputDim)`: per-sample input `[seq]`, output `[seq, outputDim]`.
 * Ids are checked in TypeScript (RangeError naming the argument) and again
 * natively on the plan's own copy, so an id rewritten after the check is an
 * error, never an out-of-bounds read. The gradient of `weight` sums the
 * rows' upstream gradients per id; ids have no gradient.
 * @packageDocumentation
 */
import { randomNormal } from '../../init';
import { OP_CODES } from '../../native_codes';
import { resolveInitializer, type InitializerFn, type InitializerLike } from '../initializers';
import { fmt, Layer, type EmitContext, type LayerOptions, type Shape, type TensorSpec } from './layer';

/** Options of {@link Embedding}. */
export interface EmbeddingOptions extends LayerOptions {
  /** Initializer of the table (default `'randomNormal'` with std 1, as PyTorch's N(0, 1)). */
  initializer?: InitializerLike;
  /** Ids per sample, when the Embedding is the first layer of a Sequential. */
  inputLength?: number;
}

function checkDim(n: unknown, name: string): number {
  if (typeof n !== 'number') throw new TypeError(`'${name}' must be a number (got ${typeof n})`);
  if (!Number.isSafeInteger(n) || n < 1 || n > 1 << 24) throw new RangeError(`'${name}' must be an integer in [1, 2^24] (got ${n})`);
  return n;
}

/** N(0, 1), PyTorch's default for nn.Embedding. */
const torchDefault: InitializerFn = randomNormal({ std: 1 });

/** A lookup table of `inputDim` vectors of `outputDim` floats. */
export class Embedding extends Layer {
  /** Number of ids (rows of the table). */
  readonly inputDim: number;
  /** Floats per vector. */
  readonly outputDim: number;
  /** Ids per sample when given (first layer of a Sequential). */
  readonly inputLength: number | null;
  /** Initializer of the table. */
  readonly initializer: InitializerFn;

  /** @throws TypeError / RangeError naming the bad argument. */
  constructor(inputDim: number, outputDim: number, options: EmbeddingOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new TypeError(`'options' must be an object`);
    super(options);
    this.inputDim = checkDim(inputDim, 'inputDim');
    this.outputDim = checkDim(outputDim, 'outputDim');
    if (this.inputDim * this.outputDim > 2 ** 31 - 1) throw new RangeError(`'inputDim' * 'outputDim' must be < 2^31 (got ${this.inputDim * this.outputDim})`);
    this.inputLength = options.inputLength === undefined ? null : checkDim(options.inputLength, 'inputLength');
    this.initializer = options.initializer === undefined ? torchDefault : resolveInitializer(options.initializer, "'initializer'");
  }

  get className(): string {
    return 'Embedding';
  }

  outputShape(inputs: Shape[]): Shape {
    if (inputs[0].length !== 1) throw this.shapeError(`input ${fmt(inputs[0])}: give ids as a [seq] input`);
    if (inputs[0][0] * this.outputDim > 2 ** 30) throw this.shapeError(`output [${inputs[0][0]}, ${this.outputDim}] holds more than 2^30 floats`);
    return [inputs[0][0], this.outputDim];
  }

  override params(): TensorSpec[] {
    const n = this.inputDim, d = this.outputDim;
    return [{ key: 'weight', size: n * d, torchShape: [n, d], initShape: [n, d], init: this.initializer }];
  }

  override declaredInputShape(): Shape | null {
    return this.inputLength === null ? null : [this.inputLength];
  }

  /** The model input holds ids below this. @internal */
  override idLimit(): number {
    return this.inputDim;
  }

  emit(ctx: EmitContext, inputs: number[], _shapes: Shape[], output: Shape): number {
    if (inputs[0] !== 0) throw this.shapeError(`must read the model input (ids); it reads another layer's output`);
    const y = ctx.slot(output);
    ctx.op(OP_CODES.embedding, inputs, y, { vocab: this.inputDim, dim: this.outputDim, weight: ctx.param('weight') });
    return y;
  }

  config(): Record<string, unknown> {
    const c: Record<string, unknown> = { inputDim: this.inputDim, outputDim: this.outputDim };
    if (this.inputLength !== null) c.inputLength = this.inputLength;
    return c;
  }

  static fromConfig(c: { inputDim: number; outputDim: number; inputLength?: number; name?: string }): Embedding {
    return new Embedding(c.inputDim, c.outputDim, { inputLength: c.inputLength, name: c.name });
  }
}
