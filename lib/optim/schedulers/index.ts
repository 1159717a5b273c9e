/**
 * Learning-rate schedulers with PyTorch 2.x semantics (see docs/schedulers.md).
 * Each takes `(optimizer, options)`, where the optimizer is anything with
 * `paramGroups: [{ lr }, ...]` (or a single `lr`), sets the lr of step 0 in
 * its constructor, and moves it on every `step()` (ReduceLROnPlateau:
 * `step(metric)`); `getLastLr()`, `lastEpoch`, `stateDict()` /
 * `loadStateDict()` (JSON-safe) as in PyTorch.
 * @packageDocumentation
 */
export { LRScheduler } from './base';
export type { LRSchedulerState } from './base';
export { StepLR, MultiStepLR } from './step_lr';
export type { StepLROptions, MultiStepLROptions } from './step_lr';
export { ExponentialLR } from './exponential_lr';
export type { ExponentialLROptions } from './exponential_lr';
export { LinearLR } from './linear_lr';
export type { LinearLROptions } from './linear_lr';
export { CosineAnnealingLR } from './cosine_annealing_lr';
export type { CosineAnnealingLROptions } from './cosine_annealing_lr';
export { CosineAnnealingWarmRestarts } from './cosine_warm_restarts';
export type { CosineAnnealingWarmRestartsOptions } from './cosine_warm_restarts';
export { OneCycleLR } from './one_cycle_lr';
export type { OneCycleLROptions } from './one_cycle_lr';
export { ReduceLROnPlateau } from './reduce_lr_on_plateau';
export type { ReduceLROnPlateauOptions, ReduceLROnPlateauState } from './reduce_lr_on_plateau';
export { SequentialLR } from './sequential_lr';
export type { SequentialLROptions, SequentialLRState } from './sequential_lr';
export type { ParamGroupLike, SchedulableOptimizer, SingleLrOptimizer, SchedulerTarget, Scheduler, JsonValue, JsonNumber } from './types';
