/**
 * Model checkpoints in safetensors, named and shaped like the state dict of
 * the equivalent PyTorch module, so `load_state_dict(strict=True)` works:
 * a Sequential uses torch.nn.Sequential indices (`0.weight`, `2.bias`, where
 * every activation module counts), a functional Model its layer names. Each
 * layer converts its internal layout (e.g. Dense W [in, out], Conv2D HWIO) to
 * PyTorch's (Linear [out, in], Conv2d [out, in/groups, kh, kw]).
 *
 * Metadata (all strings): `format` = "pt", `simdtrain.model` (JSON: class,
 * input shape, layer configs, graph inputs), `simdtrain.seed`, optionally
 * `simdtrain.epoch` and `simdtrain.optimizer` (the optimizer's stateDict as
 * JSON whose Float32Arrays are stored as tensors named `optimizer.<path>`;
 * filter those out before `load_state_dict`). Files are written atomically.
 * Loading checks every tensor against the model the metadata describes
 * before any model memory is taken.
 * @packageDocumentation
 */
import * as fs from 'node:fs';
import { compileGraph, type GraphModel, type GraphNode, type NamedTensor } from '../nn/graph';
import { checkShape, fmt, type Layer } from '../nn/layers/layer';
import { layerFromConfig, type LayerConfig } from '../nn/layers/registry';
import type { OptimizerLike } from '../train/types';
import { writeFileAtomic } from './atomic';
import { decodeSafetensors, encodeSafetensors, SafetensorsError, type Tensor } from './safetensors';

/** Options of `model.save`. */
export interface SaveOptions {
  /** Also store this optimizer's `stateDict()`. */
  optimizer?: OptimizerLike;
  /** Also store the epoch reached. */
  epoch?: number;
}

/** The stored description of a model. @internal */
export interface ModelConfig {
  class: 'Sequential' | 'Model';
  inputShape: number[];
  layers: LayerConfig[];
  /** Functional models: the node ids each layer reads (-1 = the input). */
  inputs?: number[][];
}

/** A model that can be saved. @internal */
export interface SavableModel extends GraphModel {
  modelConfig(): ModelConfig;
}

/** What {@link loadCheckpointFile} returns. */
export interface Checkpoint<M extends GraphModel = GraphModel> {
  model: M;
  /** The stored epoch, if any. */
  epoch?: number;
  /** The stored optimizer state (pass to `optimizer.loadStateDict`), if any. */
  optimizerState?: unknown;
}

// Optimizer state <-> JSON + tensors. Float32Arrays become tensors; other
// typed arrays and non-finite numbers get tagged JSON forms.
function encodeState(value: unknown, path: string, tensors: Map<string, Tensor>): unknown {
  if (value instanceof Float32Array) {
    tensors.set(path, { shape: [value.length], data: value });
    return { $tensor: path };
  }
  if (ArrayBuffer.isView(value)) return { $typed: value.constructor.name, values: Array.from(value as unknown as ArrayLike<number>) };
  if (typeof value === 'number' && !Number.isFinite(value)) return { $number: String(value) };
  if (Array.isArray(value)) return value.map((v, i) => encodeState(v, `${path}.${i}`, tensors));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeState(v, `${path}.${k}`, tensors)]));
  }
  return value;
}

function decodeState(value: unknown, tensors: Map<string, Tensor>): unknown {
  if (Array.isArray(value)) return value.map((v) => decodeState(v, tensors));
  if (typeof value !== 'object' || value === null) return value;
  const o = value as Record<string, unknown>;
  if (typeof o.$tensor === 'string') {
    const t = tensors.get(o.$tensor);
    if (!t) throw new Error(`checkpoint optimizer state refers to a missing tensor '${o.$tensor}'`);
    return t.data;
  }
  if (typeof o.$number === 'string') return Number(o.$number);
  if (typeof o.$typed === 'string') {
    const Ctor = (globalThis as unknown as Record<string, new (v: number[]) => unknown>)[o.$typed];
    if (typeof Ctor !== 'function' || !o.$typed.endsWith('Array')) throw new Error(`checkpoint: unknown array type '${o.$typed}'`);
    return new Ctor(o.values as number[]);
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, decodeState(v, tensors)]));
}

/** Writes `model` (and optionally optimizer state and epoch) to `file`, atomically. */
export async function saveCheckpoint(model: SavableModel, file: string, options: SaveOptions = {}): Promise<void> {
  if (typeof file !== 'string' || file === '') throw new TypeError(`'path' must be a non-empty string`);
  const tensors = new Map<string, Tensor>();
  for (const t of model.tensors) {
    const view = t.layer.bound[t.spec.key].data;
    const data = t.spec.toTorch ? t.spec.toTorch(view) : Float32Array.from(view);
    tensors.set(t.name, t.spec.dtype ? { shape: t.spec.torchShape, data, dtype: t.spec.dtype } : { shape: t.spec.torchShape, data });
  }
  const metadata: Record<string, string> = { format: 'pt', 'simdtrain.model': JSON.stringify(model.modelConfig()), 'simdtrain.seed': String(model.seed) };
  if (options.epoch !== undefined) {
    if (!Number.isSafeInteger(options.epoch) || options.epoch < 0) throw new RangeError(`'epoch' must be a non-negative integer`);
    metadata['simdtrain.epoch'] = String(options.epoch);
  }
  if (options.optimizer !== undefined) {
    if (typeof options.optimizer.stateDict !== 'function') throw new TypeError(`'optimizer' has no stateDict() method`);
    metadata['simdtrain.optimizer'] = JSON.stringify(encodeState(options.optimizer.stateDict(), 'optimizer', tensors));
  }
  await writeFileAtomic(file, encodeSafetensors(tensors, metadata));
}

/** Checks that `tensors` holds every expected tensor with its shape; throws naming the first that does not. */
function checkTensors(expected: readonly NamedTensor[], tensors: Map<string, Tensor>, source: string): void {
  for (const t of expected) {
    const got = tensors.get(t.name);
    if (!got || fmt(got.shape) !== fmt(t.spec.torchShape)) {
      // A valid file that does not fit this model: a mismatch, not a format error.
      throw new SafetensorsError(source, `expected tensor '${t.name}' of shape ${fmt(t.spec.torchShape)}${got ? ` (got ${fmt(got.shape)})` : ' (missing)'}`, 'mismatch');
    }
  }
}

/** Copies the tensors of a decoded file into `model` (checked first: a mismatch changes nothing). */
function assignWeights(model: GraphModel, tensors: Map<string, Tensor>, source: string): void {
  checkTensors(model.tensors, tensors, source);
  for (const t of model.tensors) {
    const src = tensors.get(t.name)!.data;
    t.layer.bound[t.spec.key].data.set(t.spec.fromTorch ? t.spec.fromTorch(src) : src);
  }
}

async function readDecoded(file: string) {
  const bytes = await fs.promises.readFile(file);
  return decodeSafetensors(bytes, file);
}

/** Old files (Sequential of Dense): `simdtrain.layers` = Dense configs. */
function legacyConfig(layersJson: string): ModelConfig {
  const layers = JSON.parse(layersJson) as LayerConfig[];
  if (!Array.isArray(layers) || layers.length === 0) throw new Error('not a non-empty array');
  const first = layers[0] as { inFeatures?: unknown };
  if (typeof first?.inFeatures !== 'number') throw new Error('the first layer has no inFeatures');
  return { class: 'Sequential', inputShape: [first.inFeatures], layers };
}

function parseConfig(metadata: Record<string, string>, file: string): ModelConfig {
  const json = metadata['simdtrain.model'];
  const legacy = metadata['simdtrain.layers'];
  if (json === undefined && legacy === undefined) throw new SafetensorsError(file, `no 'simdtrain.model' metadata; build the model and call model.loadWeights(path)`, 'mismatch');
  try {
    const c = json !== undefined ? (JSON.parse(json) as ModelConfig) : legacyConfig(legacy!);
    if (typeof c !== 'object' || c === null || !Array.isArray(c.layers) || c.layers.length === 0) throw new Error('no layers');
    if (c.class !== 'Sequential' && c.class !== 'Model') throw new Error(`unknown class ${String(c.class)}`);
    checkShape(c.inputShape, 'inputShape');
    if (c.class === 'Model' && (!Array.isArray(c.inputs) || c.inputs.length !== c.layers.length || !c.inputs.every(Array.isArray))) throw new Error('bad graph inputs');
    return c;
  } catch (e) {
    throw new SafetensorsError(file, `bad model metadata (${(e as Error).message})`);
  }
}

/**
 * Reads a checkpoint: parses the model description, checks every tensor
 * against it (before any model memory is taken), then lets `build` make the
 * model and copies the weights in. @internal
 */
export async function loadCheckpointFile(
  file: string,
  build: (config: ModelConfig, layers: Layer[], seed: number) => GraphModel,
): Promise<Checkpoint> {
  const { tensors, metadata } = await readDecoded(file);
  const config = parseConfig(metadata, file);
  let layers: Layer[];
  let expected: readonly NamedTensor[];
  try {
    layers = config.layers.map((c) => layerFromConfig(c));
    const nodes: GraphNode[] = layers.map((layer, i) => ({ layer, inputs: config.inputs ? config.inputs[i] : [i - 1] }));
    nodes.forEach((n, i) => n.inputs.forEach((id) => {
      if (!Number.isSafeInteger(id) || id < -1 || id >= i) throw new RangeError(`node ${i} reads node ${id}, which is not before it`);
    }));
    expected = compileGraph(config.inputShape, nodes, config.class === 'Sequential' ? 'sequential' : 'layer').tensors;
  } catch (e) {
    throw new SafetensorsError(file, `bad model metadata (${(e as Error).message})`);
  }
  checkTensors(expected, tensors, file);
  const seedValue = Number(metadata['simdtrain.seed'] ?? 0);
  const seed = Number.isSafeInteger(seedValue) && seedValue >= 0 ? seedValue : 0;
  // compileGraph fixed inferred sizes on these layers; the builder uses fresh ones.
  const model = build(config, config.layers.map((c) => layerFromConfig(c)), seed);
  assignWeights(model, tensors, file);
  void layers;
  const result: Checkpoint = { model };
  if (metadata['simdtrain.epoch'] !== undefined) result.epoch = Number(metadata['simdtrain.epoch']);
  if (metadata['simdtrain.optimizer'] !== undefined) result.optimizerState = decodeState(JSON.parse(metadata['simdtrain.optimizer']), tensors);
  return result;
}

/** Loads weights by PyTorch name into an existing model (e.g. a file PyTorch wrote). */
export async function loadWeightsInto(model: GraphModel, file: string): Promise<void> {
  const { tensors } = await readDecoded(file);
  // Checked again after the read: a fit() started meanwhile must not have
  // its weights replaced mid-training.
  model.assertIdle();
  assignWeights(model, tensors, file);
}
