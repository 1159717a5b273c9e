/**
 * What the native tfjs optimizers share: reading the variables and their
 * gradients out of tfjs's CPU tensor storage, creating the state variables
 * exactly as tfjs's optimizers do (same names, so getWeights/setWeights and
 * saving work unchanged), and one native call per step for all variables.
 * @packageDocumentation
 */
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { engine, tensor, tidy, zerosLike, type Optimizer, type Tensor, type Variable } from '@tensorflow/tfjs-core';
import { native } from '../../native';
import { OPTIM_FLAGS as FLAG, OPTIM_KINDS } from '../../native_codes';

/** Native kernel families (OptimKind in native/src/kernels/optim/optim_types.h). */
export const KIND = OPTIM_KINDS;
/** Selects tfjs's formula in the native kernels (kFlagTfjs). */
export const TFJS = FLAG.tfjs;
export const { momentum: MOMENTUM, nesterov: NESTEROV, centered: CENTERED } = FLAG;

/** The argument of `Optimizer.applyGradients`. */
export type Gradients = Parameters<Optimizer['applyGradients']>[0];

/** One optimizer state variable, as tfjs's optimizers keep them. */
export interface Slot {
  originalName: string;
  variable: Variable;
}

interface Entry {
  index: number;
  name: string;
  value: Variable;
  grad: Tensor | null;
}

/** The variables in tfjs's order (index i is the slot index tfjs uses). */
export function entries(gradients: Gradients): Entry[] {
  const names = Array.isArray(gradients) ? gradients.map((g) => g.name) : Object.keys(gradients);
  return names.map((name, index) => ({
    index,
    name,
    value: engine().registeredVariables[name],
    grad: (Array.isArray(gradients) ? gradients[index].tensor : (gradients as Record<string, Tensor>)[name]) ?? null,
  }));
}

/** Creates slots[i] with `make(value)` as a non-trainable variable, as tfjs does. */
export function ensureSlot(slots: Slot[], e: Entry, suffix: string, make: (v: Variable) => Tensor): Variable {
  if (slots[e.index] == null) {
    slots[e.index] = { originalName: `${e.name}/${suffix}`, variable: tidy(() => make(e.value).variable(false)) };
  }
  return slots[e.index].variable;
}

/** The current backend when it keeps tensors as tfjs's cpu backend does ('simdtrain', 'cpu'). */
export function cpuBackend(): MathBackendCPU | null {
  const b = engine().backend;
  return b instanceof MathBackendCPU ? b : null;
}

function values(b: MathBackendCPU, t: Tensor): Float32Array | null {
  if (t.dtype !== 'float32' || !b.data.has(t.dataId)) return null;
  const v = b.data.get(t.dataId).values;
  return v instanceof Float32Array ? v : null;
}

/**
 * The storage of variable `v` for an in-place update. A variable may share
 * storage with the tensor it was made from (tf.variable(t)); it then gets its
 * own copy first, so that `t` keeps its values as with tfjs's optimizers.
 */
export function writable(b: MathBackendCPU, v: Variable): Float32Array | null {
  const vals = values(b, v);
  if (vals === null || b.refCount(v.dataId) <= 1) return vals;
  const copy = tensor(vals.slice(), v.shape, 'float32');
  v.assign(copy);
  copy.dispose();
  return values(b, v);
}

/** Arguments of one native step over every variable that has a gradient. */
export interface Batch {
  params: Float32Array[];
  grads: Float32Array[];
  states: Array<Float32Array | null>;
}

/**
 * Collects param, grad and state storage for `list` (states: up to three
 * per variable, by `slotsOf`). Returns null when anything is not a float32
 * tensor of the current CPU-style backend: the caller then runs tfjs's own step.
 */
export function collect(b: MathBackendCPU | null, list: Entry[], slotsOf: (e: Entry) => Array<Variable | null>): Batch | null {
  if (b === null) return null;
  const batch: Batch = { params: [], grads: [], states: [] };
  for (const e of list) {
    if (e.grad === null) continue;
    const grad = values(b, e.grad);
    const param = writable(b, e.value);
    if (grad === null || param === null || grad.buffer === param.buffer) return null;
    batch.params.push(param);
    batch.grads.push(grad);
    const slots = [...slotsOf(e), null, null, null].slice(0, 3);
    for (const s of slots) {
      const v = s === null ? null : writable(b, s);
      if (s !== null && (v === null || v.buffer === grad.buffer)) return null;
      batch.states.push(v);
    }
  }
  return batch;
}

/** One native step of `kind` with the same scalar row (14 numbers) for every variable. */
export function step(kind: number, batch: Batch, row: number[]): void {
  const n = batch.params.length;
  if (n === 0) return;
  const scalars = new Float64Array(n * row.length);
  for (let i = 0; i < n; i++) scalars.set(row, i * row.length);
  native.optimStep(kind, batch.params, batch.grads, batch.states, scalars, false);
}

/** Reads a scalar variable (tfjs keeps accBeta1 etc. as float32 variables). */
export function read(v: Variable): number {
  return v.dataSync()[0];
}

/** Sets a scalar variable in place (or by assign on other backends). */
export function write(b: MathBackendCPU, v: Variable, x: number): void {
  const vals = writable(b, v);
  if (vals !== null) {
    vals[0] = x;
  } else {
    const t = tensor(x);
    v.assign(t);
    t.dispose();
  }
}

/** A zero state variable shaped like the parameter (tfjs's default slot). */
export const zeros = (v: Variable): Tensor => zerosLike(v);

/** float32 rounding, as tfjs stores every scalar it multiplies by. */
export const f = Math.fround;
