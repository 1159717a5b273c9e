/**
 * The base of the chainable schedulers (everything but ReduceLROnPlateau and
 * SequentialLR), with PyTorch 2.x's `LRScheduler` protocol: the constructor
 * records each group's `initialLr` (kept if already there) as the base lr and
 * takes step 0; `step()` increments `lastEpoch` and writes `computeLr()` into
 * the groups. Most `computeLr` are PyTorch's recursive ("chainable") form,
 * which reads the groups' current lr, so changes made from outside (or by
 * another scheduler) carry over; `closedFormLr` is only used where PyTorch
 * uses it: when SequentialLR hands over to a scheduler at its milestone.
 * @packageDocumentation
 */
import { groupAccess, type Group } from './groups';
import type { JsonValue, Scheduler, SchedulerTarget } from './types';

/** The JSON-safe state of a chainable scheduler. */
export interface LRSchedulerState {
  /** Class name; loading into another class throws. */
  scheduler: string;
  /** Steps taken. */
  lastEpoch: number;
  /** `step()` calls since the initial step (PyTorch's `_step_count`). */
  stepCount: number;
  /** The base (initial) lr of every group. */
  baseLrs: number[];
  /** The lr of every group after the last step. */
  lastLr: number[];
  /** The scheduler's options, restored on load (as PyTorch restores its attributes). */
  options: { [key: string]: JsonValue };
  /** Scheduler-specific counters. */
  extra: { [key: string]: JsonValue };
  [key: string]: JsonValue;
}

function numberArray(value: unknown, name: string, length: number): number[] {
  if (!Array.isArray(value) || value.length !== length || value.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
    throw new TypeError(`state '${name}' must be an array of ${length} finite numbers`);
  }
  return value.slice() as number[];
}

/**
 * Checks the common fields of a saved state; with `keys`, any other own key
 * (a typo, `__proto__`) is a TypeError. @internal
 */
export function checkStateHeader(state: unknown, scheduler: string, keys?: readonly string[]): Record<string, unknown> {
  if (typeof state !== 'object' || state === null || Array.isArray(state)) throw new TypeError(`${scheduler}.loadStateDict: 'state' must be an object from stateDict()`);
  const s = state as Record<string, unknown>;
  if (s.scheduler !== scheduler) throw new TypeError(`${scheduler}.loadStateDict: the state is of a ${String(s.scheduler)}, not a ${scheduler}`);
  if (keys) {
    for (const key of Object.keys(s)) if (key !== 'scheduler' && !keys.includes(key)) throw new TypeError(`${scheduler}.loadStateDict: unknown key '${key}' in the state`);
  }
  return s;
}

/**
 * Runs `load`; if it throws, puts back the scheduler's state as it was
 * (`restore(saved)`, with a state `stateDict()` took before) and every
 * group's lr and initialLr, then rethrows: a failed loadStateDict changes
 * nothing, however deep in it (a SequentialLR's second sub-scheduler) it
 * fails. @internal
 */
export function loadAtomically<S>(save: () => S, restore: (saved: S) => void, groups: Group[], load: () => void): void {
  const saved = save();
  const lrs = groups.map((g) => ({ lr: g.lr, has: Object.prototype.hasOwnProperty.call(g, 'initialLr'), initialLr: g.initialLr }));
  try {
    load();
  } catch (e) {
    restore(saved);
    groups.forEach((g, i) => {
      g.lr = lrs[i].lr;
      if (lrs[i].has) g.initialLr = lrs[i].initialLr;
      else delete g.initialLr;
    });
    throw e;
  }
}

const STATE_KEYS = ['lastEpoch', 'stepCount', 'baseLrs', 'lastLr', 'options', 'extra'] as const;

/** Base class of the chainable schedulers; see the module comment for the protocol. */
export abstract class LRScheduler implements Scheduler {
  /** The optimizer whose learning rates this scheduler writes. */
  readonly optimizer: SchedulerTarget;
  /** @internal */
  protected readonly groups: () => Group[];
  /** @internal */
  protected readonly name: string;
  /** The base lr of every group (its `initialLr`). */
  protected baseLrs: number[] = [];
  /** @internal */
  protected epoch = -1;
  /** @internal */
  protected stepCount = 0;
  private lastLr: number[] = [];

  /** Checks `optimizer`; subclasses check their options, then call {@link start}. */
  protected constructor(optimizer: SchedulerTarget, name: string) {
    this.groups = groupAccess(name, optimizer);
    this.optimizer = optimizer;
    this.name = name;
  }

  /** Number of param groups at construction. @internal */
  protected get groupCount(): number {
    return this.groups().length;
  }

  /** Records the base lrs (PyTorch: `setdefault('initial_lr', lr)`) and takes step 0. */
  protected start(): void {
    for (const g of this.groups()) if (typeof g.initialLr !== 'number') g.initialLr = g.lr;
    this.baseLrs = this.groups().map((g) => g.initialLr as number);
    this.initialStep();
  }

  /** Steps taken (PyTorch's `last_epoch`): 0 after construction, +1 per `step()`. */
  get lastEpoch(): number {
    return this.epoch;
  }

  /** The learning rate of every group after the last step (a copy). */
  getLastLr(): number[] {
    return this.lastLr.slice();
  }

  /**
   * Advances one step and writes the new learning rates into the groups.
   * Takes no argument: PyTorch's deprecated `step(epoch)` is not supported,
   * and a value passed anyway (the trainer passes the epoch's loss) is ignored.
   */
  step(): void {
    this.stepCount++;
    this.epoch++;
    this.apply(this.computeLr());
  }

  /** The lr of every group at `lastEpoch`, from the groups' current lr (recursive) or the base lrs. */
  protected abstract computeLr(): number[];

  /** PyTorch's `_get_closed_form_lr`, where the scheduler has one. */
  protected closedFormLr(): number[] | null {
    return null;
  }

  /** Current lr of every group, checking that the number of groups has not changed. @internal */
  protected currentLrs(): number[] {
    const groups = this.groups();
    if (groups.length !== this.baseLrs.length) {
      throw new RangeError(`${this.name}: the optimizer has ${groups.length} param groups, but had ${this.baseLrs.length} when the scheduler was created`);
    }
    return groups.map((g) => g.lr);
  }

  /** Writes `values` into the groups and records them. @internal */
  protected apply(values: readonly number[]): void {
    const groups = this.groups();
    values.forEach((v, i) => (groups[i].lr = v));
    this.lastLr = groups.map((g) => g.lr);
  }

  /** PyTorch's `_initial_step`: resets the step count and takes a step. @internal */
  initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** SequentialLR's "undo" of the constructor's step: `lastEpoch -= 1`. @internal */
  undoInitialStep(): void {
    this.epoch--;
  }

  /** SequentialLR's hand-over at a milestone (PyTorch `_update_lr(0)`): lastEpoch = 0, closed form if any. @internal */
  restartAtZero(): void {
    this.epoch = 0;
    this.apply(this.closedFormLr() ?? this.computeLr());
  }

  /** The resolved options, JSON-safe. @internal */
  protected abstract optionsState(): { [key: string]: JsonValue };
  /** Re-resolves options from a state (validating them like the constructor). @internal */
  protected abstract loadOptions(options: unknown): void;
  /** Scheduler-specific counters. @internal */
  protected extraState(): { [key: string]: JsonValue } {
    return {};
  }
  /** Restores {@link extraState}. @internal */
  protected loadExtra(_extra: Record<string, unknown>): void {}

  /** A JSON-safe snapshot (counters, base and last lrs, options) from which {@link loadStateDict} resumes exactly. */
  stateDict(): LRSchedulerState {
    return {
      scheduler: this.name, lastEpoch: this.epoch, stepCount: this.stepCount, baseLrs: this.baseLrs.slice(),
      lastLr: this.lastLr.slice(), options: this.optionsState(), extra: this.extraState(),
    };
  }

  /**
   * Restores a {@link stateDict} snapshot (options included, as PyTorch does)
   * and, unlike PyTorch, also writes its last lrs and base lrs (`initialLr`)
   * into the groups, so resuming is exact even when the optimizer's own state
   * does not carry the learning rate.
   */
  loadStateDict(state: unknown): void {
    loadAtomically(() => this.stateDict(), (saved) => this.load(saved), this.groups(), () => this.load(state));
  }

  private load(state: unknown): void {
    const s = checkStateHeader(state, this.name, STATE_KEYS);
    const n = this.groupCount;
    const baseLrs = numberArray(s.baseLrs, 'baseLrs', n);
    const lastLr = numberArray(s.lastLr, 'lastLr', n);
    if (typeof s.lastEpoch !== 'number' || !Number.isSafeInteger(s.lastEpoch) || s.lastEpoch < -1) throw new TypeError(`state 'lastEpoch' must be an integer >= -1`);
    if (typeof s.stepCount !== 'number' || !Number.isSafeInteger(s.stepCount) || s.stepCount < 0) throw new TypeError(`state 'stepCount' must be an integer >= 0`);
    if (typeof s.extra !== 'object' || s.extra === null) throw new TypeError(`state 'extra' must be an object`);
    this.loadOptions(s.options);
    this.loadExtra(s.extra as Record<string, unknown>);
    this.epoch = s.lastEpoch;
    this.stepCount = s.stepCount;
    this.baseLrs = baseLrs;
    this.groups().forEach((g, i) => (g.initialLr = baseLrs[i]));
    this.apply(lastLr);
  }
}
