/**
 * Types of `model.fit`: options, callbacks, early stopping, history.
 * @packageDocumentation
 */
import type { Loss, LossName } from '../nn/losses';
import type { Labels, Matrix, ModelInput } from '../nn/types';

/**
 * What fit needs of an optimizer (the classes of lib/optim satisfy it):
 * `step()` applies the gradients in each Param's `grad`; `lr` is read for
 * the history.
 */
export interface OptimizerLike {
  step(): void;
  zeroGrad?(): void;
  lr?: number;
  stateDict?(): unknown;
  loadStateDict?(state: unknown): void;
}

/** A learning-rate scheduler: `step()` is called once after every epoch. */
export interface SchedulerLike {
  step(metric?: number): void;
}

/** Figures of one epoch, passed to `onEpochEnd`. */
export interface EpochLogs {
  /** Mean training loss over the epoch's samples. */
  loss: number;
  /** Training accuracy (when `metrics` has 'accuracy'). */
  accuracy?: number;
  /** Validation loss (with validation data). */
  valLoss?: number;
  /** Validation accuracy (with validation data and the metric). */
  valAccuracy?: number;
  /** Learning rate used during the epoch. */
  lr: number;
  /** Wall-clock seconds of the epoch (training + validation). */
  seconds: number;
  /** Training samples per second. */
  samplesPerSecond: number;
}

/** Callbacks; each may return a Promise, which fit awaits. */
export interface Callbacks {
  /** Before epoch `epoch` (0-based). */
  onEpochBegin?(epoch: number): void | Promise<void>;
  /** After every optimizer-step-sized batch: its mean loss (and accuracy). */
  onBatchEnd?(batch: number, logs: { loss: number; accuracy?: number; size: number }): void | Promise<void>;
  /** After epoch `epoch` with its figures. */
  onEpochEnd?(epoch: number, logs: EpochLogs): void | Promise<void>;
  /** Once, when training ends normally or by early stopping. */
  onTrainEnd?(history: History): void | Promise<void>;
}

/** Stop when a monitored figure stops improving. */
export interface EarlyStoppingOptions {
  /** The figure: 'valLoss' (default with validation data, else 'loss'), 'loss', 'valAccuracy', 'accuracy'. */
  monitor?: 'loss' | 'valLoss' | 'accuracy' | 'valAccuracy';
  /** Epochs without improvement before stopping (default 0). */
  patience?: number;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Put back the weights of the best epoch when stopping (default false). */
  restoreBestWeights?: boolean;
}

/** Options of `model.fit` (Sequential or functional Model). */
export interface FitOptions {
  /** An optimizer built on `model.parameters()`. */
  optimizer: OptimizerLike;
  /** The loss (default: softmaxCrossEntropy for labels, mse for a Matrix). */
  loss?: LossName | Loss;
  /** Passes over the data (default 1). */
  epochs?: number;
  /** Rows per step: 'full' = batch GD, 1 = stochastic GD, n = mini-batch (default 32). */
  batchSize?: number | 'full';
  /** Reshuffle the rows every epoch (default true). */
  shuffle?: boolean;
  /** Seed of the shuffling (default: the model seed). */
  seed?: number;
  /** Held-out data evaluated after every epoch. */
  validationData?: [ModelInput, Matrix | Labels] | { x: ModelInput; y: Matrix | Labels };
  /** Or: hold out this fraction (0..1) of the rows, taken from the end before shuffling. */
  validationSplit?: number;
  /** ['accuracy'] to record accuracy. */
  metrics?: 'accuracy'[];
  /** Progress hooks. */
  callbacks?: Callbacks;
  /** Early stopping. */
  earlyStopping?: EarlyStoppingOptions;
  /** Stepped after every epoch. */
  lrScheduler?: SchedulerLike;
  /** Clip the global L2 norm of the gradients to this value before each step. */
  gradClipNorm?: number;
  /** Add up the gradients of this many batches before each step (default 1). */
  gradAccumulationSteps?: number;
  /** Abort between batches; fit then rejects with an AbortError. */
  signal?: AbortSignal;
  /** Check x, y and validation data for NaN/Infinity first (default false). */
  checkFinite?: boolean;
  /** 0 silent (default), 1 one line per epoch on stdout. */
  verbose?: 0 | 1;
  /**
   * Softmax cross-entropy with class labels only: targets become
   * (1 - ε)·onehot + ε/K, as PyTorch's `label_smoothing` (default 0).
   */
  labelSmoothing?: number;
  /**
   * `'bf16'`: every Dense and Conv2D layer's training GEMMs (forward and
   * backward) round their inputs to bfloat16 and sum in fp32; weights,
   * gradients, the loss and the optimizer stay fp32 (docs/bf16.md). Layers
   * with their own `precision: 'bf16'` use it anyway. Evaluation (validation
   * data, `evaluate`, `predict`) uses each layer's own precision. Default
   * `'fp32'`.
   */
  precision?: 'fp32' | 'bf16';
  /**
   * Called with the gradient arena after each batch group's backward pass and
   * before clipping and the optimizer step (e.g. to all-reduce it across
   * processes). May return a Promise, which fit awaits.
   */
  gradientHook?: (grads: Float32Array) => void | Promise<void>;
}

/** Per-epoch figures of a fit, column-wise (index = epoch). */
export interface History {
  /** Epochs run. */
  epochs: number;
  /** Mean training loss per epoch. */
  loss: number[];
  /** Training accuracy per epoch (empty without the metric). */
  accuracy: number[];
  /** Validation loss per epoch (empty without validation data). */
  valLoss: number[];
  /** Validation accuracy per epoch. */
  valAccuracy: number[];
  /** Learning rate per epoch. */
  lr: number[];
  /** Seconds per epoch. */
  seconds: number[];
  /** Training samples per second per epoch. */
  samplesPerSecond: number[];
  /** True when early stopping ended training. */
  stoppedEarly: boolean;
  /** Epoch with the best monitored figure (early stopping only). */
  bestEpoch?: number;
}
