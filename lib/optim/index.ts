/**
 * Optimizers with fused native update kernels (PyTorch 2.x semantics),
 * gradient clipping, and learning-rate schedulers.
 * @packageDocumentation
 */
export { Optimizer } from './optimizer';
export type { BaseOptions, ParamGroup, ParamsInput, StepResult, OptimizerStateDict, Param } from './optimizer';
export { SGD } from './sgd';
export type { SGDOptions } from './sgd';
export { Adam, AdamW } from './adam';
export type { AdamOptions } from './adam';
export { Adagrad, RMSprop, Adadelta } from './adaptive';
export type { AdagradOptions, RMSpropOptions, AdadeltaOptions } from './adaptive';
export { Adamax, NAdam, RAdam } from './adam_variants';
export type { AdamLikeOptions, NAdamOptions } from './adam_variants';
export { Lion, LAMB } from './lion_lamb';
export type { LionOptions, LAMBOptions } from './lion_lamb';
export { clipGradNorm, clipGradValue, hasNonFiniteGrad } from './clip';
export { optimizerByName, OPTIMIZERS_BY_NAME } from './by_name';
