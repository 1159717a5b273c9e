/**
 * The functional model (Keras's functional API): layers called on symbolic
 * tensors build a graph with skips and merges, and
 * `new Model({ inputs, outputs })` compiles it:
 *
 * ```ts
 * const x = Input([16, 8, 8]);
 * const h = new Conv2D(16, 3, { padding: 'same', activation: 'relu' }).apply(x);
 * const y = add([x, new Conv2D(16, 3, { padding: 'same' }).apply(h)]);
 * const model = new Model({ inputs: x, outputs: new Dense(10).apply(new Flatten().apply(y)) });
 * ```
 *
 * Checkpoint names are `<layer name>.<tensor>` (the attribute names of an
 * equivalent torch.nn.Module). One input and one output.
 * @packageDocumentation
 */
import { loadCheckpointFile, loadWeightsInto, saveCheckpoint, type ModelConfig, type SaveOptions } from '../io/checkpoint';
import { fit as runFit } from '../train/fit';
import type { FitOptions, History } from '../train/types';
import { GraphModel, type GraphNode, type ModelOptions } from './graph';
import { Input, SymbolicTensor, type Layer } from './layers/layer';
import { layerConfig } from './layers/registry';
import type { Labels, Matrix, ModelInput } from './types';

/** What {@link Model} is built from. */
export interface ModelArgs {
  inputs: SymbolicTensor;
  outputs: SymbolicTensor;
}

/** Nodes in topological order from the output back to `input`. */
function collect(input: SymbolicTensor, output: SymbolicTensor): GraphNode[] {
  const ids = new Map<SymbolicTensor, number>([[input, -1]]);
  const nodes: GraphNode[] = [];
  const visiting = new Set<SymbolicTensor>();
  const visit = (t: SymbolicTensor): number => {
    const known = ids.get(t);
    if (known !== undefined) return known;
    if (t.layer === null) throw new RangeError(`the outputs depend on an Input that is not 'inputs' (one input per model)`);
    if (visiting.has(t)) throw new RangeError(`the graph has a cycle at ${t.layer.label}`);
    visiting.add(t);
    const inputs = t.inputs.map(visit);
    const id = nodes.push({ layer: t.layer, inputs }) - 1;
    ids.set(t, id);
    return id;
  };
  visit(output);
  return nodes;
}

/** A functional model (see the module docs). */
export class Model extends GraphModel {
  /** @throws TypeError / RangeError for a graph that cannot be built. */
  constructor(args: ModelArgs, options: ModelOptions = {}) {
    if (typeof args !== 'object' || args === null) throw new TypeError(`'args' must be { inputs, outputs }`);
    const { inputs, outputs } = args;
    if (!(inputs instanceof SymbolicTensor) || inputs.layer !== null) throw new TypeError(`'inputs' must be a tensor from Input()`);
    if (!(outputs instanceof SymbolicTensor)) throw new TypeError(`'outputs' must be a tensor made by a layer`);
    if (outputs === inputs) throw new RangeError(`the model has no layers between inputs and outputs`);
    super(inputs.shape, collect(inputs, outputs), 'layer', options);
  }

  /** Trains the model; see {@link FitOptions}. */
  async fit(x: ModelInput, y: Matrix | Labels, options: FitOptions): Promise<History> {
    return runFit(this, x, y, options);
  }

  /** Writes the weights (and optionally optimizer state and epoch) to `path`, PyTorch-named by layer. */
  async save(path: string, options: SaveOptions = {}): Promise<void> {
    this.assertIdle();
    await saveCheckpoint(this, path, options);
  }

  /** Rebuilds a Model saved by {@link save}. */
  static async load(path: string): Promise<Model> {
    const { model } = await loadCheckpointFile(path, (c, layers, seed) => {
      if (c.class !== 'Model' || !c.inputs) throw new TypeError(`the checkpoint holds a Sequential; use Sequential.load`);
      return Model.fromLayers(c.inputShape, layers, c.inputs, seed);
    });
    return model as Model;
  }

  /** Re-applies layers to their recorded inputs. @internal */
  static fromLayers(inputShape: number[], layers: Layer[], inputs: number[][], seed: number): Model {
    const input = Input(inputShape);
    const made: SymbolicTensor[] = [];
    layers.forEach((layer, i) => {
      const args = (inputs[i] ?? []).map((id) => {
        if (!Number.isSafeInteger(id) || id < -1 || id >= i) throw new RangeError(`node ${i} reads node ${id}, which is not before it`);
        return id < 0 ? input : made[id];
      });
      made.push(layer.apply(args.length === 1 ? args[0] : args));
    });
    return new Model({ inputs: input, outputs: made[made.length - 1] }, { seed });
  }

  /** Loads PyTorch-named weights into this model. */
  async loadWeights(path: string): Promise<void> {
    this.assertIdle();
    await loadWeightsInto(this, path);
  }

  /** The stored description. @internal */
  modelConfig(): ModelConfig {
    return { class: 'Model', inputShape: [...this.inputShape], layers: this.layers.map(layerConfig), inputs: this.nodes.map((n) => [...n.inputs]) };
  }
}
