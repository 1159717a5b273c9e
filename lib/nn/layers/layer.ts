/**
 * The layer interface every layer implements, and the symbolic tensors the
 * functional API passes between layers.
 *
 * A layer says (1) its output shape for given input shapes, throwing a
 * RangeError that names the layer and both shapes when they do not fit;
 * (2) its parameters and buffers (name, internal layout, PyTorch shape and
 * the conversion between the two, initializer); (3) its config (for
 * checkpoints); (4) the native op(s) it emits into the plan.
 *
 * Shapes are per sample, in PyTorch's order: `[features]`, `[seq, dim]` or
 * `[channels, height, width]`. Internally the plan keeps images NHWC.
 * @packageDocumentation
 */
import type { InitializerFn } from '../initializers';

/** A per-sample shape (no batch axis), PyTorch order. */
export type Shape = readonly number[];

/** A parameter or buffer a layer owns. */
export interface TensorSpec {
  /** Key within the layer (`weight`, `bias`, `running_mean` ...). */
  key: string;
  /** Floats. */
  size: number;
  /** Shape in checkpoints (PyTorch's). */
  torchShape: number[];
  /** Shape the initializer sees (fans are computed from it). */
  initShape: number[];
  /** Initializer (parameters) or a constant fill (buffers). */
  init: InitializerFn | number;
  /** Internal layout -> PyTorch layout (default: same order). */
  toTorch?(internal: Float32Array): Float32Array;
  /** PyTorch layout -> internal layout. */
  fromTorch?(torch: Float32Array): Float32Array;
  /** Stored dtype in checkpoints when not F32 (num_batches_tracked: 'I64', as PyTorch). */
  dtype?: 'I64';
}

/** What a layer emits into while the plan is built. @internal */
export interface EmitContext {
  /** A new activation slot of this (PyTorch-order) shape. */
  slot(shape: Shape): number;
  /** Appends a native op. */
  op(code: number, inputs: number[], output: number, attrs?: Record<string, number>): void;
  /** Arena offset of this layer's parameter `key`. */
  param(key: string): number;
  /** Arena offset of this layer's buffer `key`. */
  buffer(key: string): number;
}

/** The tensor views of a built layer. */
export interface BoundTensor {
  data: Float32Array;
  grad: Float32Array | null;
}

const counters = new Map<string, number>();

/** 'Conv2D' -> 'conv2d', 'conv2d_1', ... (Keras style). */
function autoName(className: string): string {
  const base = className.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  const n = counters.get(base) ?? 0;
  counters.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

/** Native slot shape [h, w, c] of a PyTorch-order shape. @internal */
export function nativeShape(s: Shape): [number, number, number] {
  if (s.length === 1) return [1, 1, s[0]];
  if (s.length === 2) return [1, s[0], s[1]];
  return [s[1], s[2], s[0]];
}

/** Number of floats of a shape. */
export function shapeSize(s: Shape): number {
  return s.reduce((a, b) => a * b, 1);
}

/** `[1, 28, 28]`. @internal */
export function fmt(s: Shape): string {
  return `[${s.join(', ')}]`;
}

/** How a layer's GEMMs / convolutions multiply: fp32, or bf16 inputs with fp32 sums (docs/bf16.md). */
export type LayerPrecision = 'fp32' | 'bf16';

/** Checks a layer's `precision` option (default 'fp32'). @internal */
export function checkPrecision(value: unknown, owner: string): LayerPrecision {
  if (value === undefined) return 'fp32';
  if (value !== 'fp32' && value !== 'bf16') throw new RangeError(`${owner}: 'precision' must be 'fp32' or 'bf16' (got ${String(value)})`);
  return value;
}

/** Common options of every layer. */
export interface LayerOptions {
  /** A unique name (default: the class name in snake case with a counter). */
  name?: string;
}

/** The base class of all layers (see the module docs). */
export abstract class Layer {
  /** The layer's name (checkpoint names of functional models use it). */
  readonly name: string;
  /** Bound parameter/buffer views, set when the layer joins a model. @internal */
  bound: Record<string, BoundTensor> = {};
  /** Set once the layer belongs to a model. @internal */
  owner: object | null = null;

  constructor(options: LayerOptions = {}) {
    if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '' || /[.\s]/.test(options.name))) {
      throw new TypeError(`'name' must be a non-empty string without dots or spaces`);
    }
    this.name = options.name ?? autoName((this as unknown as { className: string }).className);
  }

  /** The registry name (`Dense`, `Conv2D` ...). */
  abstract get className(): string;
  /** Output shape for these input shapes; RangeError naming the layer when they do not fit. */
  abstract outputShape(inputs: Shape[]): Shape;
  /** Emits the native op(s); returns the output slot. @internal */
  abstract emit(ctx: EmitContext, inputs: number[], inputShapes: Shape[], output: Shape): number;
  /** The serializable options (without name). */
  abstract config(): object;

  /** Trainable tensors for these input shapes. */
  params(inputs: Shape[]): TensorSpec[] {
    void inputs;
    return [];
  }
  /** Non-trainable state (e.g. BatchNorm running statistics). */
  buffers(inputs: Shape[]): TensorSpec[] {
    void inputs;
    return [];
  }
  /** Modules this layer occupies in an equivalent `torch.nn.Sequential` (Dense + ReLU = 2). */
  torchModules(): number {
    return 1;
  }
  /** The input shape a Sequential starting with this layer gets (e.g. Dense's inFeatures, an `inputShape` option). */
  declaredInputShape(): Shape | null {
    return null;
  }
  /** When the layer reads integer ids (Embedding): they must lie in [0, idLimit()). Null for float inputs. */
  idLimit(): number | null {
    return null;
  }
  /** Inputs the layer takes (merges: 'many'). */
  get arity(): 1 | 'many' {
    return 1;
  }

  /** "Conv2D 'conv2d_1'" for messages. @internal */
  get label(): string {
    return `${this.className} '${this.name}'`;
  }

  /** Calls the layer on symbolic tensors (functional API); checks shapes now. */
  apply(input: SymbolicTensor | SymbolicTensor[]): SymbolicTensor {
    const inputs = Array.isArray(input) ? input : [input];
    inputs.forEach((t, i) => {
      if (!(t instanceof SymbolicTensor)) throw new TypeError(`${this.label}: input ${i} must be a SymbolicTensor (from Input() or another layer)`);
    });
    if (this.arity === 1 && inputs.length !== 1) throw new TypeError(`${this.label} takes one input (got ${inputs.length})`);
    if (this.arity === 'many' && inputs.length < 2) throw new TypeError(`${this.label} takes at least two inputs (got ${inputs.length})`);
    return new SymbolicTensor(this.outputShape(inputs.map((t) => t.shape)), this, inputs);
  }

  /** A RangeError naming the layer. @internal */
  shapeError(message: string): RangeError {
    return new RangeError(`${this.label}: ${message}`);
  }
}

/** A tensor-to-be of the functional API: a shape and the layer that makes it. */
export class SymbolicTensor {
  /** Per-sample shape (PyTorch order). */
  readonly shape: Shape;
  /** The layer that produces it (null for an Input). */
  readonly layer: Layer | null;
  /** The tensors the layer reads. */
  readonly inputs: readonly SymbolicTensor[];

  /** @internal */
  constructor(shape: Shape, layer: Layer | null, inputs: SymbolicTensor[]) {
    this.shape = Object.freeze([...shape]);
    this.layer = layer;
    this.inputs = Object.freeze(inputs);
  }
}

/** Checks a per-sample shape. @internal */
export function checkShape(shape: unknown, name: string): Shape {
  if (!Array.isArray(shape) || shape.length < 1 || shape.length > 3) throw new TypeError(`'${name}' must be an array of 1 to 3 sizes ([features] or [channels, height, width])`);
  shape.forEach((d) => {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 1 || d > 1 << 24) throw new RangeError(`'${name}' sizes must be integers in [1, 2^24] (got ${fmt(shape)})`);
  });
  if (shapeSize(shape) > 2 ** 30) throw new RangeError(`'${name}' ${fmt(shape)} holds more than 2^30 floats`);
  return Object.freeze([...shape]);
}

/** The input of a functional model: `Input([1, 28, 28])`. */
export function Input(shape: number[]): SymbolicTensor {
  return new SymbolicTensor(checkShape(shape, 'shape'), null, []);
}
