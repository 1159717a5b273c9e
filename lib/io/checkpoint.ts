/**
 * Model checkpoints in safetensors, named and shaped like the state dict of
 * an equivalent `torch.nn.Sequential` of `Linear` layers:
 *   `<i>.weight` [out, in] (our W [in, out] transposed), `<i>.bias` [out],
 * where `i` counts every module, activations included (Linear, ReLU, Linear
 * gives 0.* and 2.*). Metadata (all strings): `format` = "pt",
 * `simdtrain.layers` (JSON layer configs, so {@link loadCheckpoint} can
 * rebuild the model), `simdtrain.seed`, optionally `simdtrain.epoch` and
 * `simdtrain.optimizer` (the optimizer's stateDict as JSON whose
 * Float32Arrays are stored as tensors named `optimizer.<path>`; filter those
 * out before `load_state_dict` in PyTorch). Files are written atomically.
 * @packageDocumentation
 */
import * as fs from 'node:fs';
import { Dense, type DenseConfig } from '../nn/dense';
import { Sequential } from '../nn/sequential';
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

/** What {@link loadCheckpoint} returns. */
export interface Checkpoint {
  model: Sequential;
  /** The stored epoch, if any. */
  epoch?: number;
  /** The stored optimizer state (pass to `optimizer.loadStateDict`), if any. */
  optimizerState?: unknown;
}

function transpose(src: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(src.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = src[i * cols + j];
  return out;
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
export async function saveCheckpoint(model: Sequential, file: string, options: SaveOptions = {}): Promise<void> {
  if (typeof file !== 'string' || file === '') throw new TypeError(`'path' must be a non-empty string`);
  const tensors = new Map<string, Tensor>();
  for (const s of model.slots) {
    const l = s.layer;
    tensors.set(s.weightName, { shape: [l.outFeatures, l.inFeatures], data: transpose(l.weight, l.inFeatures, l.outFeatures) });
    if (l.useBias) tensors.set(s.biasName, { shape: [l.outFeatures], data: Float32Array.from(l.bias) });
  }
  const metadata: Record<string, string> = { format: 'pt', 'simdtrain.layers': JSON.stringify(model.config()), 'simdtrain.seed': String(model.seed) };
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

/** Copies the tensors of a decoded file into `model` (names and shapes must match). */
function assignWeights(model: Sequential, tensors: Map<string, Tensor>, source: string): void {
  // Check everything first: a mismatch changes nothing.
  const plan: [Float32Array, Float32Array, boolean, number, number][] = [];
  for (const s of model.slots) {
    const l = s.layer;
    const w = tensors.get(s.weightName);
    if (!w || w.shape.length !== 2 || w.shape[0] !== l.outFeatures || w.shape[1] !== l.inFeatures) {
      throw new SafetensorsError(source, `expected tensor '${s.weightName}' of shape [${l.outFeatures}, ${l.inFeatures}]${w ? ` (got [${w.shape.join(', ')}])` : ' (missing)'}`);
    }
    plan.push([w.data, l.weight, true, l.outFeatures, l.inFeatures]);
    if (l.useBias) {
      const b = tensors.get(s.biasName);
      if (!b || b.shape.length !== 1 || b.shape[0] !== l.outFeatures) throw new SafetensorsError(source, `expected tensor '${s.biasName}' of shape [${l.outFeatures}]`);
      plan.push([b.data, l.bias, false, 0, 0]);
    }
  }
  for (const [src, dst, isWeight, rows, cols] of plan) dst.set(isWeight ? transpose(src, rows, cols) : src);
}

async function readDecoded(file: string) {
  const bytes = await fs.promises.readFile(file);
  return decodeSafetensors(bytes, file);
}

/** Rebuilds a model (and its optimizer state and epoch) from a checkpoint. */
export async function loadCheckpoint(file: string): Promise<Checkpoint> {
  const { tensors, metadata } = await readDecoded(file);
  const layersJson = metadata['simdtrain.layers'];
  if (layersJson === undefined) throw new SafetensorsError(file, `no 'simdtrain.layers' metadata; build the model and call model.loadWeights(path)`);
  let configs: DenseConfig[];
  try {
    configs = JSON.parse(layersJson);
    if (!Array.isArray(configs)) throw new Error('not an array');
  } catch (e) {
    throw new SafetensorsError(file, `bad 'simdtrain.layers' metadata (${(e as Error).message})`);
  }
  const seed = Number(metadata['simdtrain.seed'] ?? 0);
  const model = new Sequential(configs.map((c) => Dense.fromConfig(c)), { seed: Number.isSafeInteger(seed) && seed >= 0 ? seed : 0 });
  assignWeights(model, tensors, file);
  const result: Checkpoint = { model };
  if (metadata['simdtrain.epoch'] !== undefined) result.epoch = Number(metadata['simdtrain.epoch']);
  if (metadata['simdtrain.optimizer'] !== undefined) result.optimizerState = decodeState(JSON.parse(metadata['simdtrain.optimizer']), tensors);
  return result;
}

/** Loads weights by PyTorch name into an existing model (e.g. a file PyTorch wrote). */
export async function loadWeightsInto(model: Sequential, file: string): Promise<void> {
  const { tensors } = await readDecoded(file);
  assignWeights(model, tensors, file);
}
