/**
 * A built model: a topologically ordered list of layer nodes compiled into a
 * native op-list plan over one parameter arena (every trainable tensor,
 * contiguous), a gradient arena of the same layout, and a buffer arena
 * (non-trainable state such as BatchNorm running statistics).
 *
 * {@link compileGraph} is pure (shapes, tensor specs, ops, no allocation), so
 * a checkpoint can be checked against it before any memory is taken.
 * `Sequential` and the functional `Model` extend {@link GraphModel}; `fit`,
 * checkpoints and metrics depend on it, never the reverse.
 * @packageDocumentation
 */
import { native, type NativeNnPlan } from '../native';
import { fmt, nativeShape, shapeSize, type Layer, type Shape, type TensorSpec } from './layers/layer';
import { getLoss, isLabels, toInt32Labels, type Loss, type LossName } from './losses';
import { checkIdMatrix, checkMatrix, type Labels, type Matrix, type ModelInput, type Param } from './types';

/** One layer call: its inputs are node ids (-1 = the model input). */
export interface GraphNode {
  layer: Layer;
  inputs: number[];
}

/** A tensor of the built model, where it lives and its checkpoint name. @internal */
export interface NamedTensor {
  name: string;
  layer: Layer;
  spec: TensorSpec;
  offset: number;
  trainable: boolean;
}

/** The compiled form of a graph (no memory taken yet). @internal */
export interface CompiledGraph {
  outputShape: Shape;
  nodeShapes: Shape[];
  tensors: NamedTensor[];
  paramCount: number;
  bufferCount: number;
  /** The input holds integer ids below this (it feeds Embedding layers); 0 = float input. */
  idLimit: number;
  native: { slots: [number, number, number][]; ops: { op: number; name: string; inputs: number[]; output: number; attrs: Record<string, number> }[]; inputNchw: boolean; outputNchw: boolean };
  /** The node that emitted each native op. */
  opNodes: number[];
}

/** How checkpoint names are formed: torch.nn.Sequential indices, or layer names. */
export type Naming = 'sequential' | 'layer';

/** Compiles nodes (in topological order; the last is the output). Throws RangeError on shape errors. @internal */
export function compileGraph(inputShape: Shape, nodes: readonly GraphNode[], naming: Naming): CompiledGraph {
  const nodeShapes: Shape[] = [];
  const shapeOf = (id: number) => (id < 0 ? inputShape : nodeShapes[id]);
  for (const node of nodes) nodeShapes.push(node.layer.outputShape(node.inputs.map(shapeOf)));
  const tensors: NamedTensor[] = [];
  let params = 0;
  let buffers = 0;
  let torchIndex = 0;
  for (const node of nodes) {
    const prefix = naming === 'sequential' ? String(torchIndex) : node.layer.name;
    const inShapes = node.inputs.map(shapeOf);
    for (const spec of node.layer.params(inShapes)) {
      tensors.push({ name: `${prefix}.${spec.key}`, layer: node.layer, spec, offset: params, trainable: true });
      params += spec.size;
    }
    for (const spec of node.layer.buffers(inShapes)) {
      tensors.push({ name: `${prefix}.${spec.key}`, layer: node.layer, spec, offset: buffers, trainable: false });
      buffers += spec.size;
    }
    torchIndex += node.layer.torchModules();
  }
  const slots: [number, number, number][] = [nativeShape(inputShape)];
  const ops: CompiledGraph['native']['ops'] = [];
  const nodeSlot: number[] = [];
  const opNodes: number[] = [];
  for (const [index, node] of nodes.entries()) {
    const own = tensors.filter((t) => t.layer === node.layer);
    const find = (key: string, trainable: boolean) => {
      const t = own.find((x) => x.spec.key === key && x.trainable === trainable);
      if (!t) throw new Error(`${node.layer.label} has no ${trainable ? 'parameter' : 'buffer'} '${key}'`);
      return t.offset;
    };
    const ctx = {
      slot: (s: Shape) => slots.push(nativeShape(s)) - 1,
      op: (op: number, inputs: number[], output: number, attrs: Record<string, number> = {}) => {
        ops.push({ op, name: node.layer.label, inputs, output, attrs });
        opNodes.push(index);
      },
      param: (key: string) => find(key, true),
      buffer: (key: string) => find(key, false),
    };
    const inputSlots = node.inputs.map((id) => (id < 0 ? 0 : nodeSlot[id]));
    nodeSlot.push(node.layer.emit(ctx, inputSlots, node.inputs.map(shapeOf), nodeShapes[index]));
  }
  const outputShape = nodeShapes[nodeShapes.length - 1];
  return {
    outputShape, nodeShapes, tensors, paramCount: params, bufferCount: buffers, idLimit: inputIdLimit(nodes),
    native: { slots, ops, inputNchw: inputShape.length === 3, outputNchw: outputShape.length === 3 },
    opNodes,
  };
}

/** The id limit of the input when Embedding layers read it (0: float input); RangeError when other layers read it too. */
function inputIdLimit(nodes: readonly GraphNode[]): number {
  const readers = nodes.filter((n) => n.inputs.includes(-1)).map((n) => n.layer);
  const ids = readers.filter((l) => l.idLimit() !== null);
  if (ids.length === 0) return 0;
  const other = readers.find((l) => l.idLimit() === null);
  if (other) throw new RangeError(`${other.label} reads the model input, which holds integer ids for ${ids[0].label}`);
  return Math.min(...ids.map((l) => l.idLimit() as number));
}

/** Options of a model. */
export interface ModelOptions {
  /** Seed of the weight initialization and of dropout (default: random). */
  seed?: number;
}

/** Result of {@link GraphModel.evaluate}: the loss, and accuracy only where it applies (classification losses). */
export interface Evaluation {
  /** Mean loss. */
  loss: number;
  /** Fraction of rows classified right (softmaxCrossEntropy, binaryCrossEntropy). */
  accuracy?: number;
}

/** Number of terms a loss is averaged over. @internal */
export function lossCount(loss: Loss, rows: number, cols: number): number {
  return loss.name === 'softmaxCrossEntropy' ? rows : rows * cols;
}

/** Number of predictions accuracy is counted over. @internal */
export function accuracyCount(loss: Loss, rows: number, cols: number): number {
  return loss.name === 'binaryCrossEntropy' ? rows * cols : rows;
}

/** Whether accuracy is a meaningful figure for this loss. @internal */
export function hasAccuracy(loss: Loss): boolean {
  return loss.name !== 'mse';
}

const MAX_ARENA = 2 ** 31 - 1;

/** A model whose layers form a graph (see the module docs). */
export class GraphModel {
  /** The layers, in execution order. */
  readonly layers: readonly Layer[];
  /** Per-sample input shape (PyTorch order). */
  readonly inputShape: Shape;
  /** Per-sample output shape. */
  readonly outputShape: Shape;
  /** The seed the weights were initialized from. */
  readonly seed: number;
  /** Input ids must lie in [0, idLimit) (the input feeds Embedding layers); 0 when the input is floats. */
  readonly idLimit: number;
  /** Every trainable tensor, contiguous. */
  readonly paramArena: Float32Array;
  /** Their gradients, same layout. */
  readonly gradArena: Float32Array;
  /** Non-trainable state (BatchNorm running statistics ...). */
  readonly bufferArena: Float32Array;
  /** @internal */
  readonly nodes: readonly GraphNode[];
  /** @internal */
  readonly tensors: readonly NamedTensor[];
  /** Output shape of every node. @internal */
  readonly nodeShapes: readonly Shape[];
  /** The node index of every native op, in op order (gradient buckets of simdtrain/distributed). @internal */
  readonly opNodes: readonly number[];
  /** @internal */
  readonly plan: NativeNnPlan;
  /** @internal set while fit() runs. */
  training = false;
  private readonly params: Param[];

  /** @internal */
  constructor(inputShape: Shape, nodes: GraphNode[], naming: Naming, options: ModelOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new TypeError(`'options' must be an object`);
    const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`'seed' must be a non-negative integer (got ${seed})`);
    const seen = new Set<Layer>();
    for (const n of nodes) {
      if (seen.has(n.layer)) throw new RangeError(`${n.layer.label} is used twice (shared layers are not supported)`);
      if (n.layer.owner !== null) throw new RangeError(`${n.layer.label} already belongs to a model`);
      seen.add(n.layer);
    }
    if (naming === 'layer') {
      const names = new Set<string>();
      for (const n of nodes) {
        if (names.has(n.layer.name)) throw new RangeError(`two layers are named '${n.layer.name}' (checkpoint names must be unique)`);
        names.add(n.layer.name);
      }
    }
    const compiled = compileGraph(inputShape, nodes, naming);
    if (compiled.paramCount > MAX_ARENA || compiled.bufferCount > MAX_ARENA) throw new RangeError(`the model has more than 2^31 parameters`);
    this.seed = seed;
    this.idLimit = compiled.idLimit;
    this.inputShape = inputShape;
    this.outputShape = compiled.outputShape;
    this.nodes = Object.freeze([...nodes]);
    this.layers = Object.freeze(nodes.map((n) => n.layer));
    this.tensors = Object.freeze(compiled.tensors);
    this.nodeShapes = Object.freeze(compiled.nodeShapes);
    this.opNodes = Object.freeze(compiled.opNodes);
    // On SharedArrayBuffers: such memory can be neither transferred nor
    // resized, so a caller holding a param view cannot pull the arena from
    // under a pending training step (docs/threads-and-memory.md).
    const arena = (n: number) => new Float32Array(new SharedArrayBuffer(4 * n));
    this.paramArena = arena(compiled.paramCount);
    this.gradArena = arena(compiled.paramCount);
    this.bufferArena = arena(compiled.bufferCount);
    for (const t of compiled.tensors) {
      const arena = t.trainable ? this.paramArena : this.bufferArena;
      t.layer.bound[t.spec.key] = {
        data: arena.subarray(t.offset, t.offset + t.spec.size),
        grad: t.trainable ? this.gradArena.subarray(t.offset, t.offset + t.spec.size) : null,
      };
    }
    this.params = compiled.tensors.filter((t) => t.trainable).map((t) => ({ data: t.layer.bound[t.spec.key].data, grad: t.layer.bound[t.spec.key].grad!, name: t.name }));
    this.initialize();
    this.plan = new native.NnPlan({ ...compiled.native, seed }, this.paramArena, this.gradArena, this.bufferArena, 0);
    for (const n of nodes) n.layer.owner = this;
  }

  /** Re-draws every weight from the initializers and `seed` (same seed, same weights); resets buffers. */
  initialize(): void {
    let k = 0;
    for (const t of this.tensors) {
      const view = t.layer.bound[t.spec.key].data;
      if (typeof t.spec.init === 'number') view.fill(t.spec.init);
      // Independent streams per tensor: distinct seeds derived from the model seed.
      else t.spec.init(t.spec.initShape, { seed: (this.seed * 1009 + k + 1) % 2 ** 31, out: view });
      k++;
    }
  }

  /** Input features per row (the product of the input shape). */
  get inFeatures(): number {
    return shapeSize(this.inputShape);
  }

  /** Output features per row. */
  get outFeatures(): number {
    return shapeSize(this.outputShape);
  }

  /** The trainable tensors (views into the arenas), PyTorch-named. */
  parameters(): Param[] {
    return this.params;
  }

  /**
   * Throws unless `x` is a Matrix with `inFeatures` columns: of floats, or of
   * integer ids in [0, idLimit) (an IdMatrix) when the input feeds Embedding layers. @internal
   */
  checkInput(x: unknown, name: string): asserts x is ModelInput {
    if (this.idLimit > 0) checkIdMatrix(x, name, this.idLimit);
    else checkMatrix(x, name);
    if (x.cols !== this.inFeatures) {
      throw new RangeError(`'${name}' must have ${this.inFeatures} columns (per-sample shape ${fmt(this.inputShape)}, flattened) (got ${x.cols})`);
    }
  }

  /** @internal */
  assertIdle(): void {
    if (this.training) throw new Error('simdtrain: the model is training (await fit() first)');
  }

  /**
   * Training-mode forward pass (dropout active, batch statistics): returns
   * the outputs for every row and keeps the activations for {@link backward}.
   */
  forward(x: ModelInput): Matrix {
    this.checkInput(x, 'x');
    this.assertIdle();
    this.plan.reserve(x.rows);
    const out = new Float32Array(x.rows * this.outFeatures);
    this.plan.forward(x.data, x.rows, out);
    return { rows: x.rows, cols: this.outFeatures, data: out };
  }

  /** Backward pass from dLoss/dOutput of the last {@link forward}: writes (or adds to) every parameter's `grad`. */
  backward(dOutput: Matrix, options: { accumulate?: boolean } = {}): void {
    checkMatrix(dOutput, 'dOutput');
    this.assertIdle();
    if (dOutput.cols !== this.outFeatures) throw new RangeError(`'dOutput' must have ${this.outFeatures} columns (got ${dOutput.cols})`);
    this.plan.backward(dOutput.data, dOutput.rows, options.accumulate ?? false);
  }

  /** Evaluation-mode outputs for every row of `x`. Synchronous. */
  predict(x: ModelInput): Matrix {
    this.checkInput(x, 'x');
    this.assertIdle();
    const out = new Float32Array(x.rows * this.outFeatures);
    if (x.rows > 0) this.plan.evaluate(x.data, null, 0, x.rows, null, null, -1, out, false);
    return { rows: x.rows, cols: this.outFeatures, data: out };
  }

  /**
   * Evaluation-mode mean loss (and accuracy, for classification losses) on
   * (x, y), computed off the main thread. `y`: class labels or a target Matrix.
   */
  async evaluate(x: ModelInput, y: Matrix | Labels, options: { loss?: LossName | Loss } = {}): Promise<Evaluation> {
    this.checkInput(x, 'x');
    this.assertIdle();
    const loss = getLoss(options.loss ?? (isLabels(y) ? 'softmaxCrossEntropy' : 'mse'), "'options.loss'");
    const { labels, targets } = this.checkTargets(x, y, 'y');
    if (labels && loss.name !== 'softmaxCrossEntropy') throw new TypeError(`class labels need loss 'softmaxCrossEntropy' (got '${loss.name}')`);
    if (x.rows === 0) return hasAccuracy(loss) ? { loss: NaN, accuracy: NaN } : { loss: NaN };
    const [sum, correct] = await this.plan.evaluate(x.data, null, 0, x.rows, labels, targets, loss.code, null, true);
    const result: Evaluation = { loss: sum / lossCount(loss, x.rows, this.outFeatures) };
    if (hasAccuracy(loss)) result.accuracy = correct / accuracyCount(loss, x.rows, this.outFeatures);
    return result;
  }

  /** Checks targets against x and the model. @internal */
  checkTargets(x: ModelInput, y: Matrix | Labels, name: string): { labels: Int32Array | null; targets: Float32Array | null } {
    if (ArrayBuffer.isView(y) && !isLabels(y)) {
      throw new TypeError(
        `'${name}' is a ${(y as object).constructor.name}: give class labels (softmaxCrossEntropy) as an Int32Array or Uint8Array of integers in [0, ${this.outFeatures}), ` +
          `or targets (mse, binaryCrossEntropy) as a Matrix { rows: ${x.rows}, cols: ${this.outFeatures}, data: Float32Array }`,
      );
    }
    if (isLabels(y)) {
      if (y.length !== x.rows) throw new RangeError(`'${name}' must have one label per row of x (${x.rows}, got ${y.length})`);
      const labels = toInt32Labels(y, name);
      for (let i = 0; i < labels.length; i++) {
        const v = labels[i];
        if (v < 0 || v >= this.outFeatures) throw new RangeError(`'${name}[${i}]' = ${v} is outside [0, ${this.outFeatures})`);
      }
      return { labels, targets: null };
    }
    checkMatrix(y, name);
    if (y.rows !== x.rows || y.cols !== this.outFeatures) {
      throw new RangeError(`'${name}' must be ${x.rows}x${this.outFeatures} (got ${y.rows}x${y.cols})`);
    }
    return { labels: null, targets: y.data };
  }

  /** A text table of the layers, output shapes and parameter counts. */
  summary(): string {
    const shapes = this.nodeShapes;
    const rows = this.nodes.map((n, i) => {
      const count = this.tensors.filter((t) => t.layer === n.layer && t.trainable).reduce((s, t) => s + t.spec.size, 0);
      const act = (n.layer as { activation?: string }).activation ?? '';
      return [`${n.layer.name} (${n.layer.className})`, act, `[batch, ${shapes[i].join(', ')}]`, String(count)];
    });
    const head = ['layer', 'activation', 'output', 'params'];
    const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
    const line = (r: string[]) => r.map((v, c) => v.padEnd(widths[c])).join('  ');
    const rule = '-'.repeat(line(head).length);
    return [line(head), rule, ...rows.map(line), rule, `total params: ${this.paramArena.length}`].join('\n');
  }
}
