/**
 * Shapes the learning-rate schedulers work with: the optimizer they drive
 * (anything with PyTorch-style `paramGroups`, or a single `lr`) and the
 * JSON-safe state they save.
 * @packageDocumentation
 */

/** One parameter group as a scheduler sees it: only a mutable `lr` is required. */
export interface ParamGroupLike {
  /** The group's learning rate; schedulers overwrite it. */
  lr: number;
}

/**
 * An optimizer with PyTorch-style parameter groups, e.g. simdtrain's
 * optimizers or a plain `{ paramGroups: [{ lr: 0.1 }] }`. Schedulers write
 * `lr` (and `initialLr`, like PyTorch's `initial_lr`; OneCycleLR also
 * `momentum` or `betas[0]` where a group has them) into the groups.
 */
export interface SchedulableOptimizer {
  /** The groups, read afresh at every step. */
  readonly paramGroups: readonly ParamGroupLike[];
}

/** An optimizer with one learning rate and no groups (seen as a single group). */
export interface SingleLrOptimizer {
  /** The learning rate; schedulers overwrite it. */
  lr: number;
}

/** What a scheduler can drive. */
export type SchedulerTarget = SchedulableOptimizer | SingleLrOptimizer;

/** A value that survives `JSON.parse(JSON.stringify(v))` unchanged. */
export type JsonValue = number | string | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A number that may be ±Infinity or NaN, stored JSON-safe (those as strings). */
export type JsonNumber = number | 'Infinity' | '-Infinity' | 'NaN';

/** The public surface every scheduler shares (what `fit({ lrScheduler })` needs and more). */
export interface Scheduler {
  /** The optimizer whose learning rates this scheduler writes. */
  readonly optimizer: SchedulerTarget;
  /** Steps taken (PyTorch's `last_epoch`; 0 right after construction). */
  readonly lastEpoch: number;
  /** The learning rate of every group after the last step. */
  getLastLr(): number[];
  /** Advances the schedule by one step (ReduceLROnPlateau: `step(metric)`). */
  step(metric?: number): void;
  /** A JSON-safe snapshot from which `loadStateDict` resumes exactly. */
  stateDict(): { scheduler: string; [key: string]: JsonValue };
  /** Restores a `stateDict()` snapshot and writes its learning rates into the groups. */
  loadStateDict(state: unknown): void;
}
