/**
 * A stack of {@link Dense} layers trained by a native plan.
 *
 * All weights and biases live in one contiguous Float32Array (the parameter
 * arena), and their gradients in a second one of the same layout, so an
 * optimizer step or a gradient-norm clip is one pass over one array.
 * Parameter names follow an equivalent `torch.nn.Sequential` in which every
 * non-linear activation is its own module: Linear(784,256), ReLU, Linear(256,10)
 * gives `0.weight`, `0.bias`, `2.weight`, `2.bias` (see docs/training.md).
 * @packageDocumentation
 */
import { native, type NativeNnPlan } from '../native';
import { TORCH_MODULES } from './activations';
import { Dense, type DenseConfig } from './dense';
import { getLoss, isLabels, toInt32Labels, type Loss, type LossName } from './losses';
import { checkMatrix, type Labels, type Matrix, type Param } from './types';
import { loadCheckpoint, loadWeightsInto, saveCheckpoint, type SaveOptions } from '../io/checkpoint';
import { fit as runFit } from '../train/fit';
import type { FitOptions, History } from '../train/types';

/** Options of {@link Sequential}. */
export interface SequentialOptions {
  /** Seed of the weight initialization (default: random; see `seed`). */
  seed?: number;
}

/** Result of {@link Sequential.evaluate}. */
export interface Evaluation {
  /** Mean loss. */
  loss: number;
  /** Fraction of rows classified right (see the loss docs for the rule). */
  accuracy: number;
}

/** Where one layer's tensors sit in the arenas and their PyTorch names. @internal */
export interface LayerSlot {
  layer: Dense;
  wOffset: number;
  bOffset: number;
  weightName: string;
  biasName: string;
}

const DEFAULT_CAPACITY = 256;

/** A feed-forward stack of Dense layers (see the module docs). */
export class Sequential {
  /** The layers, in order. */
  readonly layers: readonly Dense[];
  /** The seed the weights were initialized from. */
  readonly seed: number;
  /** Every W and b, contiguous. */
  readonly paramArena: Float32Array;
  /** Their gradients, same layout. */
  readonly gradArena: Float32Array;
  /** @internal */
  readonly slots: readonly LayerSlot[];
  /** @internal */
  readonly plan: NativeNnPlan;
  /** @internal set while fit() runs. */
  training = false;
  private params: Param[];

  /**
   * @throws TypeError / RangeError when the layers do not chain
   * (`layers[i].outFeatures !== layers[i+1].inFeatures`) or a layer is reused.
   * @example
   * ```ts
   * const model = new Sequential([
   *   new Dense(784, 128, { activation: 'relu' }),
   *   new Dense(128, 10),
   * ], { seed: 1 });
   * ```
   */
  constructor(layers: Dense[], options: SequentialOptions = {}) {
    if (!Array.isArray(layers) || layers.length === 0) throw new TypeError(`'layers' must be a non-empty array of Dense layers`);
    layers.forEach((l, i) => {
      if (!(l instanceof Dense)) throw new TypeError(`'layers[${i}]' must be a Dense layer`);
      if (i > 0 && layers[i - 1].outFeatures !== l.inFeatures) {
        throw new RangeError(`'layers[${i}]' takes ${l.inFeatures} features but layers[${i - 1}] gives ${layers[i - 1].outFeatures}`);
      }
      if (layers.indexOf(l) !== i) throw new RangeError(`'layers[${i}]' is the same object as an earlier layer`);
      if (l.weight.length) throw new RangeError(`'layers[${i}]' already belongs to a model`);
    });
    const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`'seed' must be a non-negative integer (got ${seed})`);
    this.seed = seed;
    this.layers = Object.freeze([...layers]);
    const total = layers.reduce((s, l) => s + l.paramCount, 0);
    this.paramArena = new Float32Array(total);
    this.gradArena = new Float32Array(total);
    const slots: LayerSlot[] = [];
    let offset = 0;
    let torchIndex = 0;
    for (const layer of layers) {
      const wSize = layer.inFeatures * layer.outFeatures;
      const slot = { layer, wOffset: offset, bOffset: offset + wSize, weightName: `${torchIndex}.weight`, biasName: `${torchIndex}.bias` };
      layer.weight = this.paramArena.subarray(offset, offset + wSize);
      layer.weightGrad = this.gradArena.subarray(offset, offset + wSize);
      offset += wSize;
      if (layer.useBias) {
        layer.bias = this.paramArena.subarray(offset, offset + layer.outFeatures);
        layer.biasGrad = this.gradArena.subarray(offset, offset + layer.outFeatures);
        offset += layer.outFeatures;
      }
      slots.push(slot);
      torchIndex += TORCH_MODULES[layer.activation] ? 2 : 1;
    }
    this.slots = slots;
    this.initialize();
    this.params = slots.flatMap((s) => [
      { data: s.layer.weight, grad: s.layer.weightGrad, name: s.weightName },
      ...(s.layer.useBias ? [{ data: s.layer.bias, grad: s.layer.biasGrad, name: s.biasName }] : []),
    ]);
    const specs = slots.map((s) => ({
      in: s.layer.inFeatures, out: s.layer.outFeatures, act: s.layer.actCode, alpha: s.layer.alpha,
      wOffset: s.wOffset, bOffset: s.bOffset, hasBias: s.layer.useBias,
    }));
    this.plan = new native.NnPlan(specs, this.paramArena, this.gradArena, DEFAULT_CAPACITY);
  }

  /** Re-draws every weight from the initializers and `seed` (same seed, same weights). */
  initialize(): void {
    this.slots.forEach((s, i) => {
      const l = s.layer;
      // Independent streams per tensor: distinct seeds derived from the model seed.
      l.kernelInitializer([l.inFeatures, l.outFeatures], { seed: (this.seed * 1009 + 2 * i + 1) % 2 ** 31, out: l.weight });
      if (l.useBias) l.biasInitializer([l.outFeatures], { seed: (this.seed * 1009 + 2 * i + 2) % 2 ** 31, out: l.bias });
    });
  }

  /** Input features of the first layer. */
  get inFeatures(): number {
    return this.layers[0].inFeatures;
  }

  /** Output features of the last layer. */
  get outFeatures(): number {
    return this.layers[this.layers.length - 1].outFeatures;
  }

  /** The trainable tensors (views into the arenas), PyTorch-named. */
  parameters(): Param[] {
    return this.params;
  }

  /** Throws unless `x` is a Matrix with `inFeatures` columns. @internal */
  checkInput(x: unknown, name: string): asserts x is Matrix {
    checkMatrix(x, name);
    if (x.cols !== this.inFeatures) throw new RangeError(`'${name}' must have ${this.inFeatures} columns (got ${x.cols})`);
  }

  /** @internal */
  assertIdle(): void {
    if (this.training) throw new Error('simdtrain: the model is training (await fit() first)');
  }

  /**
   * Training-mode forward pass: returns act(...) of the last layer for every
   * row and keeps the activations for {@link backward}. Synchronous.
   */
  forward(x: Matrix): Matrix {
    this.checkInput(x, 'x');
    this.assertIdle();
    this.plan.reserve(x.rows);
    const out = new Float32Array(x.rows * this.outFeatures);
    this.plan.forward(x.data, x.rows, out);
    return { rows: x.rows, cols: this.outFeatures, data: out };
  }

  /**
   * Backward pass from dLoss/dOutput of the last {@link forward} (same rows):
   * writes every parameter's `grad` (adds to it with `accumulate: true`).
   */
  backward(dOutput: Matrix, options: { accumulate?: boolean } = {}): void {
    checkMatrix(dOutput, 'dOutput');
    this.assertIdle();
    if (dOutput.cols !== this.outFeatures) throw new RangeError(`'dOutput' must have ${this.outFeatures} columns (got ${dOutput.cols})`);
    this.plan.backward(dOutput.data, dOutput.rows, options.accumulate ?? false);
  }

  /** Outputs (after the last activation) for every row of `x`. Synchronous. */
  predict(x: Matrix): Matrix {
    this.checkInput(x, 'x');
    this.assertIdle();
    const out = new Float32Array(x.rows * this.outFeatures);
    this.plan.evaluate(x.data, null, 0, x.rows, null, null, -1, out, false);
    return { rows: x.rows, cols: this.outFeatures, data: out };
  }

  /**
   * Mean loss and accuracy on (x, y), computed off the main thread.
   * `y`: class labels (softmaxCrossEntropy) or a target Matrix.
   */
  async evaluate(x: Matrix, y: Matrix | Labels, options: { loss?: LossName | Loss } = {}): Promise<Evaluation> {
    this.checkInput(x, 'x');
    this.assertIdle();
    const loss = getLoss(options.loss ?? (isLabels(y) ? 'softmaxCrossEntropy' : 'mse'), "'options.loss'");
    const { labels, targets } = this.checkTargets(x, y, 'y');
    if (x.rows === 0) return { loss: NaN, accuracy: NaN };
    const [sum, correct] = await this.plan.evaluate(x.data, null, 0, x.rows, labels, targets, loss.code, null, true);
    return { loss: sum / lossCount(loss, x.rows, this.outFeatures), accuracy: correct / accuracyCount(loss, x.rows, this.outFeatures) };
  }

  /** Checks targets against x and the model. @internal */
  checkTargets(x: Matrix, y: Matrix | Labels, name: string): { labels: Int32Array | null; targets: Float32Array | null } {
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

  /** Trains the model; see {@link FitOptions} and docs/training.md. */
  async fit(x: Matrix, y: Matrix | Labels, options: FitOptions): Promise<History> {
    return runFit(this, x, y, options);
  }

  /**
   * Writes the weights (and optionally optimizer state and epoch) to `path`
   * in safetensors, atomically, PyTorch-named (see docs/training.md).
   */
  async save(path: string, options: SaveOptions = {}): Promise<void> {
    this.assertIdle();
    await saveCheckpoint(this, path, options);
  }

  /** Rebuilds a model saved by {@link save}. Rejects with a clear error on a corrupt file. */
  static async load(path: string): Promise<Sequential> {
    return (await loadCheckpoint(path)).model;
  }

  /** Loads PyTorch-named weights (e.g. from a file PyTorch wrote) into this model. */
  async loadWeights(path: string): Promise<void> {
    this.assertIdle();
    await loadWeightsInto(this, path);
  }

  /** A text table of the layers, output shapes and parameter counts. */
  summary(): string {
    const rows = this.slots.map((s) => [
      `${s.weightName.split('.')[0]}: Dense(${s.layer.inFeatures} -> ${s.layer.outFeatures})`,
      s.layer.activation,
      `[batch, ${s.layer.outFeatures}]`,
      String(s.layer.paramCount),
    ]);
    const head = ['layer', 'activation', 'output', 'params'];
    const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
    const line = (r: string[]) => r.map((v, c) => v.padEnd(widths[c])).join('  ');
    const rule = '-'.repeat(line(head).length);
    return [line(head), rule, ...rows.map(line), rule, `total params: ${this.paramArena.length}`].join('\n');
  }

  /** The layer configs (what checkpoints store). */
  config(): DenseConfig[] {
    return this.layers.map((l) => l.config());
  }
}

/** Number of terms a loss is averaged over. @internal */
export function lossCount(loss: Loss, rows: number, cols: number): number {
  return loss.name === 'softmaxCrossEntropy' ? rows : rows * cols;
}

/** Number of predictions accuracy is counted over. @internal */
export function accuracyCount(loss: Loss, rows: number, cols: number): number {
  return loss.name === 'binaryCrossEntropy' ? rows * cols : rows;
}
