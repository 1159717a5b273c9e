/**
 * The shared machinery of every optimizer class: parameter groups with
 * PyTorch's semantics, per-tensor state buffers owned by JS, one native call
 * per `step()` for all tensors, `zeroGrad`, and state dicts.
 *
 * A subclass only says which native kernel it uses, which state buffers a
 * tensor needs, and how to turn a group's options and a tensor's step count
 * into the kernel's per-tensor scalars (computed in double here, rounded to
 * float natively, the way PyTorch rounds a Python float).
 * @packageDocumentation
 */
import { OPTIM_FLAGS, OPTIM_SCALARS_PER_TENSOR } from '../native_codes';
import { native } from '../native';
import type { Param } from '../nn/types';
import { bf16ToFloat32, float32ToBf16 } from './bf16_state';
import { decodeBuffer, encodeBuffer } from './state_codec';

export type { Param };

/** Options every optimizer has. */
export interface BaseOptions {
  /** Learning rate. */
  lr: number;
  /** L2 penalty (coupled into the gradient), or decoupled decay for AdamW/Lion. */
  weightDecay: number;
  /** Maximize the objective instead of minimizing it (step along +grad). */
  maximize: boolean;
}

/** How the moment buffers are stored: fp32, or bf16 with stochastic rounding (docs/bf16.md). */
export type StateDtype = 'fp32' | 'bf16';

/** Optimizer-wide settings (not per group). */
export interface StateOptions {
  /**
   * `'bf16'`: keep the state buffers (m, v, momentum, ...) as bfloat16 in
   * Uint16Arrays; each step computes in fp32 and writes them back with
   * stochastic rounding from a Philox stream, the same bits on every ISA and
   * thread count. Default `'fp32'`. Not available for LAMB.
   */
  stateDtype?: StateDtype;
  /** Philox seed of the stochastic rounding (an integer in [0, 2^32); default 0). */
  seed?: number;
}

/** What an optimizer constructor takes: group option defaults plus {@link StateOptions}. */
export type OptimizerOptions<O> = Partial<O> & StateOptions;

/** A parameter group: its params and the options that apply to them. */
export type ParamGroup<O> = O & { params: Param[]; initialLr?: number };

/** `params` as a list of tensors, or as groups with per-group overrides. */
export type ParamsInput<O> = Param[] | Array<Partial<O> & { params: Param[] }>;

/** What `step()` reports. */
export interface StepResult {
  /** False when `skipNonFinite` found a NaN/Infinity gradient: nothing changed. */
  applied: boolean;
}

/** Per-tensor state: a step count, up to three buffers, optional scalars. */
export interface TensorState {
  step: number;
  /** Float32Array, or Uint16Array (bf16 bit patterns) with `stateDtype: 'bf16'`. */
  buffers: Array<Float32Array | Uint16Array | null>;
  scalars: Record<string, number>;
}

/** Serialized optimizer state (see {@link Optimizer.stateDict}). */
export interface OptimizerStateDict<B = Float32Array | string> {
  optimizer: string;
  /**
   * The state dtype of the optimizer that wrote it (absent: 'fp32'). The
   * buffers are always fp32 values (bf16 state widened exactly), so a dict
   * loads into an optimizer of either dtype: into bf16 state, values are
   * rounded to nearest even (exact for a dict written with bf16 state).
   */
  stateDtype?: StateDtype;
  paramGroups: Array<Record<string, unknown> & { params: number[] }>;
  state: Record<string, { step: number; buffers: Array<B | null>; scalars: Record<string, number> }>;
}

/** A state buffer a tensor may need: its slot name and initial value. */
export interface SlotSpec {
  name: string;
  init: number;
  /** Values are never negative (second moments, accumulated squares): a loaded state must agree. */
  nonNegative?: boolean;
}

// Native scalar row layout and flags (mirrored in lib/native_codes.ts).
export const SCALARS_PER_TENSOR = OPTIM_SCALARS_PER_TENSOR;
export const FLAG = OPTIM_FLAGS;

/** Throws a RangeError unless `value` is a finite number >= 0. */
export function checkNonNegative(value: unknown, name: string, owner: string): number {
  if (typeof value !== 'number') throw new TypeError(`${owner}: '${name}' must be a number (got ${typeof value})`);
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${owner}: '${name}' must be a finite number >= 0 (got ${value})`);
  return value;
}

/** Throws unless `value` is in [0, 1). */
export function checkUnitInterval(value: unknown, name: string, owner: string): number {
  checkNonNegative(value, name, owner);
  if ((value as number) >= 1) throw new RangeError(`${owner}: '${name}' must be in [0, 1) (got ${value})`);
  return value as number;
}

/** Throws unless `value` is a boolean. */
export function checkBoolean(value: unknown, name: string, owner: string): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${owner}: '${name}' must be a boolean (got ${typeof value})`);
  return value;
}

/** Throws unless `betas` is a pair of numbers in [0, 1). */
export function checkBetas(value: unknown, owner: string): [number, number] {
  if (!Array.isArray(value) || value.length !== 2) throw new TypeError(`${owner}: 'betas' must be a pair [beta1, beta2]`);
  checkUnitInterval(value[0], 'betas[0]', owner);
  checkUnitInterval(value[1], 'betas[1]', owner);
  return [value[0], value[1]];
}

/**
 * Base class of every optimizer. `O` is the options type.
 */
export abstract class Optimizer<O extends BaseOptions> {
  /** Parameter groups (mutable options, as in PyTorch: e.g. `paramGroups[0].lr = 0.01`). */
  readonly paramGroups: Array<ParamGroup<O>>;
  /** Skip the whole step when any gradient is NaN/±Infinity (see {@link step}). */
  skipNonFinite = false;
  /** The per-tensor state, created on a tensor's first step. */
  protected readonly state = new Map<Param, TensorState>();
  /** How state buffers are stored (fixed at construction). */
  readonly stateDtype: StateDtype;
  /** Philox seed of bf16 state's stochastic rounding. */
  readonly seed: number;

  /** Name used in messages and state dicts (e.g. 'Adam'). */
  protected abstract readonly name: string;
  /** Native kernel family (OptimKind in optim_types.h). */
  protected abstract readonly kind: number;

  /** Option names a group may hold (the defaults' keys, plus `initialLr` that schedulers add). */
  private readonly optionKeys: Set<string>;
  /** Per-tensor scalar names a state may hold (e.g. NAdam's `muProduct`). */
  protected readonly stateScalars: readonly string[] = [];

  protected constructor(params: ParamsInput<O>, defaults: O, allOptions: OptimizerOptions<O> | undefined, owner: string) {
    this.optionKeys = new Set([...Object.keys(defaults), 'initialLr']);
    if (allOptions !== undefined && (allOptions === null || typeof allOptions !== 'object')) throw new TypeError(`${owner}: options must be an object`);
    const { stateDtype, seed, ...options } = (allOptions ?? {}) as OptimizerOptions<O>;
    this.stateDtype = checkStateDtype(stateDtype, owner);
    this.seed = checkSeed(seed, owner);
    const merged = { ...defaults, ...stripUndefined(options) } as O;
    this.checkKeys(options, defaults, owner);
    if (!Array.isArray(params) || params.length === 0) throw new TypeError(`${owner}: 'params' must be a non-empty array of params or param groups`);
    const groups: Array<Partial<O> & { params: Param[] }> = isGroupList(params) ? params : [{ params } as Partial<O> & { params: Param[] }];
    const seen = new Set<Param>();
    const seenData = new Set<Float32Array>();
    this.paramGroups = groups.map((g, gi) => {
      if (!g || typeof g !== 'object' || !Array.isArray(g.params)) throw new TypeError(`${owner}: param group ${gi} must be { params: Param[], ...options }`);
      const { params: list, ...overrides } = g;
      this.checkKeys(overrides, defaults, owner);
      const group = { ...merged, ...stripUndefined(overrides), params: [...list] } as ParamGroup<O>;
      this.validate(group, `${owner} (group ${gi})`);
      for (const [pi, p] of group.params.entries()) {
        const where = `${owner}: group ${gi} param ${pi}${p && (p as Param).name ? ` ('${(p as Param).name}')` : ''}`;
        if (!p || !(p.data instanceof Float32Array)) throw new TypeError(`${where}: 'data' must be a Float32Array`);
        if (!(p.grad instanceof Float32Array)) throw new TypeError(`${where}: 'grad' must be a Float32Array`);
        if (p.grad.length !== p.data.length) throw new RangeError(`${where}: 'grad' has ${p.grad.length} elements, 'data' ${p.data.length}`);
        if (seen.has(p) || seenData.has(p.data)) throw new RangeError(`${where}: a param appears twice`);
        seen.add(p);
        seenData.add(p.data);
      }
      return group;
    });
  }

  /** Learning rate of the first group (what the trainer's history records). */
  get lr(): number {
    return this.paramGroups[0].lr;
  }
  set lr(value: number) {
    for (const g of this.paramGroups) g.lr = value;
  }

  /** Checks one group's options; throws TypeError/RangeError naming the option. */
  protected abstract validate(group: O, owner: string): void;
  /** State buffers a tensor of this group needs (null slots are unused). */
  protected abstract slots(group: O): Array<SlotSpec | null>;
  /** The native scalar row for one tensor at its (already incremented) step. */
  protected abstract scalars(group: O, state: TensorState, param: Param): number[];

  /**
   * One optimization step over every parameter (a single native call).
   * With `skipNonFinite`, a NaN/Infinity anywhere in the gradients skips the
   * step entirely (`{ applied: false }`): params, state and step counts are
   * unchanged.
   */
  step(): StepResult {
    const params: Float32Array[] = [];
    const grads: Float32Array[] = [];
    const states: Array<Float32Array | Uint16Array | null> = [];
    const entries: Array<{ param: Param; group: ParamGroup<O>; state: TensorState; fresh: boolean }> = [];
    for (const group of this.paramGroups) {
      this.validate(group, `${this.name}`); // options may have been edited since
      const slotSpecs = this.slots(group);
      for (const param of group.params) {
        let state = this.state.get(param);
        const fresh = state === undefined;
        if (!state) state = this.newState(param, slotSpecs);
        this.ensureSlots(state, param, slotSpecs);
        entries.push({ param, group, state, fresh });
      }
    }
    const table = new Float64Array(entries.length * SCALARS_PER_TENSOR);
    const bf16 = this.stateDtype === 'bf16';
    entries.forEach(({ param, group, state }, i) => {
      state.step += 1; // rolled back below if the step is skipped or throws
      const row = this.scalars(group, state, param);
      if (bf16) {
        // kFlagBf16State; c6 = Philox seed, c7 = step (the counter; wraps at 2^32).
        row[0] |= FLAG.bf16State;
        row[12] = this.seed;
        row[13] = state.step % 2 ** 32;
      }
      table.set(row, i * SCALARS_PER_TENSOR);
      params.push(param.data);
      grads.push(param.grad);
      for (const b of state.buffers) states.push(b);
    });
    let applied = false;
    try {
      applied = native.optimStep(this.kind, params, grads, states, table, this.skipNonFinite);
    } finally {
      if (!applied) {
        for (const e of entries) {
          e.state.step -= 1;
          if (e.fresh) this.state.delete(e.param);
        }
        this.rollback(entries.map((e) => e.state));
      }
    }
    if (applied) this.afterStep(entries.map((e) => e.state));
    return { applied };
  }

  /** Sets every gradient to zero. */
  zeroGrad(): void {
    for (const g of this.paramGroups) for (const p of g.params) p.grad.fill(0);
  }

  /**
   * The optimizer's state: options per group (params as indices), and per
   * tensor its step count, buffers and scalars. `format: 'binary'` (default)
   * gives Float32Array copies (for safetensors checkpoints); `'json'` gives
   * base64 strings, safe for `JSON.stringify`.
   */
  stateDict(options: { format?: 'binary' | 'json' } = {}): OptimizerStateDict {
    const json = options.format === 'json';
    const index = new Map<Param, number>();
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...rest } = g;
      return { ...structuredClone(rest), params: params.map((p) => index.set(p, index.size).get(p) as number) };
    });
    const state: OptimizerStateDict['state'] = {};
    for (const [param, s] of this.state) {
      const i = index.get(param);
      if (i === undefined) continue;
      state[i] = {
        step: s.step,
        buffers: s.buffers.map((b) => {
          if (b === null) return null;
          const f = b instanceof Uint16Array ? bf16ToFloat32(b) : Float32Array.from(b);
          return json ? encodeBuffer(f) : f;
        }),
        scalars: { ...s.scalars },
      };
    }
    return { optimizer: this.name, stateDtype: this.stateDtype, paramGroups, state };
  }

  /**
   * Restores a state dict from {@link stateDict} (either format) into an
   * optimizer built over the same params in the same order. A mismatch (other
   * optimizer, group or param count, tensor sizes) throws and changes nothing.
   */
  loadStateDict(dict: OptimizerStateDict): void {
    // Everything is read and checked into new objects first; only then is
    // anything applied, so a bad state changes nothing.
    const owner = `${this.name}.loadStateDict`;
    if (!isRecord(dict) || !Array.isArray(dict.paramGroups) || !isRecord(dict.state)) {
      throw new TypeError(`${owner}: not an optimizer state dict`);
    }
    onlyKeys(dict, ['optimizer', 'stateDtype', 'paramGroups', 'state'], `${owner}: the state dict`);
    if (dict.optimizer !== this.name) throw new RangeError(`${owner}: the state is for ${String(dict.optimizer)}, not ${this.name}`);
    if (dict.stateDtype !== undefined) checkStateDtype(dict.stateDtype, `${owner}: the state dict`);
    if (dict.paramGroups.length !== this.paramGroups.length) {
      throw new RangeError(`${owner}: ${dict.paramGroups.length} param groups in the state, ${this.paramGroups.length} here`);
    }
    const groupOf = new Map<Param, ParamGroup<O>>();
    const newGroups = dict.paramGroups.map((g: unknown, gi) => {
      if (!isRecord(g)) throw new TypeError(`${owner}: group ${gi} is not an object`);
      const here = this.paramGroups[gi];
      if (!Array.isArray(g.params) || g.params.length !== here.params.length) {
        throw new RangeError(`${owner}: group ${gi} has ${Array.isArray(g.params) ? g.params.length : 'no'} params in the state, ${here.params.length} here`);
      }
      const options: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(g)) {
        if (key === 'params') continue;
        if (!this.optionKeys.has(key)) throw new TypeError(`${owner}: group ${gi} has an unknown option '${key}'`);
        options[key] = value;
      }
      if (options.initialLr !== undefined) checkNonNegative(options.initialLr, 'initialLr', `${owner} (group ${gi})`);
      const merged = { ...here, ...options } as ParamGroup<O>;
      this.validate(merged, `${owner} (group ${gi})`);
      for (const p of here.params) groupOf.set(p, merged);
      return options;
    });
    const params = this.paramGroups.flatMap((g) => g.params);
    const newState = new Map<Param, TensorState>();
    for (const [key, s] of Object.entries(dict.state as Record<string, unknown>)) {
      const where = `${owner}: param ${key}`;
      if (!/^(0|[1-9][0-9]*)$/.test(key) || Number(key) >= params.length) {
        throw new RangeError(`${owner}: state for param '${key}', but params are numbered 0..${params.length - 1}`);
      }
      const param = params[Number(key)];
      if (!isRecord(s)) throw new TypeError(`${where}: the state is not an object`);
      onlyKeys(s, ['step', 'buffers', 'scalars'], where);
      if (!Number.isSafeInteger(s.step) || (s.step as number) < 0) throw new RangeError(`${where} has a bad step count (${String(s.step)})`);
      const slots = this.slots(groupOf.get(param) as ParamGroup<O>);
      if (!Array.isArray(s.buffers) || s.buffers.length !== slots.length) {
        throw new RangeError(`${where}: 'buffers' must be an array of ${slots.length} entries (Float32Array, base64 or null)`);
      }
      const buffers = s.buffers.map((b: unknown, k: number) => {
        if (b === null) return null;
        const arr = typeof b === 'string' ? decodeBuffer(b) : b instanceof Float32Array ? Float32Array.from(b) : null;
        if (!arr) throw new TypeError(`${where} buffer ${k} is neither a Float32Array nor base64`);
        if (arr.length !== param.data.length) throw new RangeError(`${where} buffer ${k} has ${arr.length} elements, the param ${param.data.length}`);
        const bad = slots[k]?.nonNegative ? arr.findIndex((v) => !(v >= 0 && v < Infinity)) : arr.findIndex((v) => !Number.isFinite(v));
        if (bad >= 0) {
          throw new RangeError(`${where} buffer ${k}${slots[k] ? ` ('${slots[k]?.name}')` : ''} has ${arr[bad]} at ${bad}; values must be finite${slots[k]?.nonNegative ? ' and >= 0' : ''}`);
        }
        return this.stateDtype === 'bf16' ? float32ToBf16(arr) : arr;
      });
      const scalars: Record<string, number> = {};
      if (s.scalars !== undefined) {
        if (!isRecord(s.scalars)) throw new TypeError(`${where}: 'scalars' must be an object`);
        for (const [name, v] of Object.entries(s.scalars)) {
          if (!this.stateScalars.includes(name)) throw new TypeError(`${where}: unknown scalar '${name}'`);
          if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`${where}: scalar '${name}' must be a finite number (got ${String(v)})`);
          scalars[name] = v;
        }
      }
      newState.set(param, { step: s.step as number, buffers, scalars });
    }
    newGroups.forEach((options, gi) => Object.assign(this.paramGroups[gi], options)); // keys checked above: no __proto__
    this.state.clear();
    for (const [p, st] of newState) this.state.set(p, st);
  }

  /** Hook for per-tensor scalars that change only when a step is applied. */
  protected afterStep(_states: TensorState[]): void {}
  /** Hook to undo scalar changes `scalars()` made when a step is not applied. */
  protected rollback(_states: TensorState[]): void {}

  private newState(param: Param, specs: Array<SlotSpec | null>): TensorState {
    const state: TensorState = { step: 0, buffers: [null, null, null], scalars: {} };
    this.state.set(param, state);
    this.ensureSlots(state, param, specs);
    return state;
  }

  // Options such as amsgrad or momentum may be switched on later: allocate then.
  private ensureSlots(state: TensorState, param: Param, specs: Array<SlotSpec | null>): void {
    specs.forEach((spec, k) => {
      if (spec && !state.buffers[k]) {
        const init = new Float32Array(param.data.length).fill(spec.init);
        state.buffers[k] = this.stateDtype === 'bf16' ? float32ToBf16(init) : init;
      }
    });
  }

  private checkKeys(options: object, defaults: O, owner: string): void {
    if (options === null || typeof options !== 'object') throw new TypeError(`${owner}: options must be an object`);
    for (const key of Object.keys(options)) {
      // Own keys only: `in` would accept inherited names such as '__proto__'.
      if (key !== 'params' && !Object.prototype.hasOwnProperty.call(defaults, key)) throw new TypeError(`${owner}: unknown option '${key}'`);
    }
  }
}

/**
 * Gives `optimizer` the state of `param` (step count before this step, the
 * caller's buffers used in place, scalars): lets the stateless functions in
 * functional.ts reuse each class's exact update. @internal
 */
export function adoptState<O extends BaseOptions>(optimizer: Optimizer<O>, param: Param, state: TensorState): void {
  (optimizer as unknown as { state: Map<Param, TensorState> }).state.set(param, state);
}

function checkStateDtype(value: unknown, owner: string): StateDtype {
  if (value === undefined) return 'fp32';
  if (value !== 'fp32' && value !== 'bf16') throw new RangeError(`${owner}: 'stateDtype' must be 'fp32' or 'bf16' (got ${String(value)})`);
  return value;
}

function checkSeed(value: unknown, owner: string): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number') throw new TypeError(`${owner}: 'seed' must be a number (got ${typeof value})`);
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** 32) throw new RangeError(`${owner}: 'seed' must be an integer in [0, 2^32) (got ${value})`);
  return value;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** TypeError naming the first own key of `o` outside `allowed`. */
function onlyKeys(o: object, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(o)) if (!allowed.includes(key)) throw new TypeError(`${where}: unknown key '${key}'`);
}

function isGroupList<O>(params: ParamsInput<O>): params is Array<Partial<O> & { params: Param[] }> {
  return params.length > 0 && params[0] !== null && typeof params[0] === 'object' && 'params' in params[0];
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
