/**
 * A chain of layers trained by a native plan.
 *
 * All weights live in one contiguous Float32Array (the parameter arena), and
 * their gradients in a second one of the same layout, so an optimizer step or
 * a gradient-norm clip is one pass over one array. Parameter names follow an
 * equivalent `torch.nn.Sequential` in which every non-linear activation is its
 * own module: Linear(784,256), ReLU, Linear(256,10) gives `0.weight`,
 * `0.bias`, `2.weight`, `2.bias`; Conv2d(relu), MaxPool2d, Flatten, Linear
 * gives `0.*`, `4.*` (see docs/training.md).
 * @packageDocumentation
 */
import { loadCheckpointFile, loadWeightsInto, saveCheckpoint, type ModelConfig, type SaveOptions } from '../io/checkpoint';
import { fit as runFit } from '../train/fit';
import type { FitOptions, History } from '../train/types';
import { GraphModel, type ModelOptions } from './graph';
import { checkShape, Layer, type Shape } from './layers/layer';
import { layerConfig } from './layers/registry';
import type { Labels, Matrix, ModelInput } from './types';

/** Options of {@link Sequential}. */
export interface SequentialOptions extends ModelOptions {
  /** Per-sample input shape, e.g. `[1, 28, 28]` (default: from the first layer, e.g. Dense's inFeatures). */
  inputShape?: number[];
}

export type { Evaluation } from './graph';

/** A chain of layers (see the module docs). */
export class Sequential extends GraphModel {
  /**
   * @throws TypeError / RangeError when the layers do not chain (naming the
   * layer and both shapes) or a layer is reused.
   * @example
   * ```ts
   * const model = new Sequential([
   *   new Dense(784, 128, { activation: 'relu' }),
   *   new Dense(128, 10),
   * ], { seed: 1 });
   * ```
   */
  constructor(layers: Layer[], options: SequentialOptions = {}) {
    if (!Array.isArray(layers) || layers.length === 0) throw new TypeError(`'layers' must be a non-empty array of layers`);
    layers.forEach((l, i) => {
      if (!(l instanceof Layer)) throw new TypeError(`'layers[${i}]' must be a layer (Dense, Conv2D, ...)`);
      if (layers.indexOf(l) !== i) throw new RangeError(`'layers[${i}]' is the same object as an earlier layer`);
      if (l.owner !== null) throw new RangeError(`'layers[${i}]' already belongs to a model`);
      if (l.arity !== 1) throw new TypeError(`'layers[${i}]' (${l.className}) merges several inputs; use the functional Model`);
    });
    if (typeof options !== 'object' || options === null) throw new TypeError(`'options' must be an object`);
    const inputShape = options.inputShape !== undefined ? checkShape(options.inputShape, 'inputShape') : layers[0].declaredInputShape();
    if (inputShape === null) throw new TypeError(`give 'inputShape' (e.g. { inputShape: [1, 28, 28] }): ${layers[0].label} does not know its input size`);
    // Shape errors name the position too; checked here before anything is allocated.
    let shape: Shape = inputShape;
    layers.forEach((l, i) => {
      try {
        shape = l.outputShape([shape]);
      } catch (e) {
        if (e instanceof RangeError) throw new RangeError(`'layers[${i}]': ${e.message}`);
        throw e;
      }
    });
    super(inputShape, layers.map((layer, i) => ({ layer, inputs: [i - 1] })), 'sequential', { seed: options.seed });
  }

  /** Trains the model; see {@link FitOptions} and docs/training.md. */
  async fit(x: ModelInput, y: Matrix | Labels, options: FitOptions): Promise<History> {
    return runFit(this, x, y, options);
  }

  /** Writes the weights (and optionally optimizer state and epoch) to `path` in safetensors, atomically, PyTorch-named. */
  async save(path: string, options: SaveOptions = {}): Promise<void> {
    this.assertIdle();
    await saveCheckpoint(this, path, options);
  }

  /** Rebuilds a Sequential saved by {@link save}. Rejects with a clear error on a corrupt file. */
  static async load(path: string): Promise<Sequential> {
    const { model } = await loadCheckpointFile(path, (c, layers, seed) => {
      if (c.class !== 'Sequential') throw new TypeError(`the checkpoint holds a functional Model, not a Sequential; use Model.load`);
      return new Sequential(layers, { seed, inputShape: [...c.inputShape] });
    });
    return model as Sequential;
  }

  /** Loads PyTorch-named weights (e.g. from a file PyTorch wrote) into this model. */
  async loadWeights(path: string): Promise<void> {
    this.assertIdle();
    await loadWeightsInto(this, path);
  }

  /** The layer configs (what checkpoints store). */
  config(): object[] {
    return this.layers.map((l) => l.config());
  }

  /** The stored description. @internal */
  modelConfig(): ModelConfig {
    return { class: 'Sequential', inputShape: [...this.inputShape], layers: this.layers.map(layerConfig) };
  }
}
