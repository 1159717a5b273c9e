/**
 * Checks and resolves the options of `model.fit` before any training
 * starts: a call with bad input throws (TypeError/RangeError naming the
 * option) and changes nothing.
 * @packageDocumentation
 */
import { native } from '../native';
import { getLoss, isLabels, type Loss } from '../nn/losses';
import type { GraphModel } from '../nn/graph';
import type { Labels, Matrix, ModelInput } from '../nn/types';
import type { Callbacks, EarlyStoppingOptions, FitOptions, OptimizerLike, SchedulerLike } from './types';

/** One data set as the native plan takes it. @internal */
export interface DataSet {
  /** Floats, or ids (Int32Array) when the model's input feeds Embedding layers. */
  x: Float32Array | Int32Array;
  rows: number;
  labels: Int32Array | null;
  targets: Float32Array | null;
}

/** Everything fit needs, checked. @internal */
export interface ResolvedFit {
  optimizer: OptimizerLike;
  loss: Loss;
  epochs: number;
  batchSize: number;
  shuffle: boolean;
  seed: number;
  train: DataSet;
  validation: DataSet | null;
  accuracy: boolean;
  callbacks: Callbacks;
  earlyStopping: Required<EarlyStoppingOptions> | null;
  lrScheduler: SchedulerLike | null;
  gradClipNorm: number;
  accumulation: number;
  signal: AbortSignal | null;
  verbose: 0 | 1;
  labelSmoothing: number;
  precision: 'fp32' | 'bf16';
  gradientHook: ((grads: Float32Array) => void | Promise<void>) | null;
}

const KEYS = new Set([
  'optimizer', 'loss', 'epochs', 'batchSize', 'shuffle', 'seed', 'validationData', 'validationSplit', 'metrics',
  'callbacks', 'earlyStopping', 'lrScheduler', 'gradClipNorm', 'gradAccumulationSteps', 'signal', 'checkFinite', 'verbose',
  'labelSmoothing', 'gradientHook', 'precision',
]);

function int(value: unknown, name: string, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw new TypeError(`'${name}' must be a number (got ${typeof value})`);
  if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`'${name}' must be an integer >= ${min} (got ${value})`);
  return value;
}

function dataSet(model: GraphModel, x: ModelInput, y: Matrix | Labels, xName: string, yName: string): DataSet {
  model.checkInput(x, xName);
  const { labels, targets } = model.checkTargets(x, y, yName);
  return { x: x.data, rows: x.rows, labels, targets };
}

function slice(d: DataSet, begin: number, end: number, cols: number, outCols: number): DataSet {
  return {
    x: d.x.subarray(begin * cols, end * cols),
    rows: end - begin,
    labels: d.labels ? d.labels.subarray(begin, end) : null,
    targets: d.targets ? d.targets.subarray(begin * outCols, end * outCols) : null,
  };
}

function checkFiniteData(d: DataSet, what: string): void {
  if (d.x instanceof Float32Array && !native.nnAllFinite(d.x)) throw new RangeError(`'${what}' x contains NaN or Infinity`);
  if (d.targets && !native.nnAllFinite(d.targets)) throw new RangeError(`'${what}' targets contain NaN or Infinity`);
}

/** Validates everything; throws before anything is trained. @internal */
export function resolveFitOptions(model: GraphModel, x: ModelInput, y: Matrix | Labels, options: FitOptions): ResolvedFit {
  if (typeof options !== 'object' || options === null) throw new TypeError(`'options' must be an object with at least an 'optimizer'`);
  for (const key of Object.keys(options)) if (!KEYS.has(key)) throw new TypeError(`fit: unknown option '${key}'`);
  const optimizer = options.optimizer;
  if (typeof optimizer !== 'object' || optimizer === null || typeof optimizer.step !== 'function') {
    throw new TypeError(`'optimizer' must be an optimizer object with a step() method (e.g. new Adam(model.parameters()))`);
  }
  const loss = getLoss(options.loss ?? (isLabels(y) ? 'softmaxCrossEntropy' : 'mse'));
  let train = dataSet(model, x, y, 'x', 'y');
  if (train.labels && loss.name !== 'softmaxCrossEntropy') throw new TypeError(`class labels need loss 'softmaxCrossEntropy' (got '${loss.name}'); give a target Matrix`);
  const epochs = int(options.epochs, 'epochs', 0, 1);
  let validation: DataSet | null = null;
  if (options.validationData !== undefined && options.validationSplit !== undefined) throw new TypeError(`give 'validationData' or 'validationSplit', not both`);
  if (options.validationData !== undefined) {
    const v = options.validationData as unknown;
    const [vx, vy] = Array.isArray(v) ? v : typeof v === 'object' && v !== null ? [(v as { x: ModelInput }).x, (v as { y: Matrix }).y] : [undefined, undefined];
    validation = dataSet(model, vx as Matrix, vy as Matrix, 'validationData.x', 'validationData.y');
  } else if (options.validationSplit !== undefined) {
    const f = options.validationSplit;
    if (typeof f !== 'number') throw new TypeError(`'validationSplit' must be a number`);
    if (!(f > 0 && f < 1)) throw new RangeError(`'validationSplit' must be in (0, 1) (got ${f})`);
    const nVal = Math.floor(train.rows * f);
    if (nVal < 1 || nVal >= train.rows) throw new RangeError(`'validationSplit' ${f} leaves no validation or no training rows`);
    const nTrain = train.rows - nVal;
    validation = slice(train, nTrain, train.rows, model.inFeatures, model.outFeatures);
    train = slice(train, 0, nTrain, model.inFeatures, model.outFeatures);
  }
  if (validation?.labels && loss.name !== 'softmaxCrossEntropy') throw new TypeError(`validation labels need loss 'softmaxCrossEntropy'`);
  // An epoch without rows awaits nothing: many of them would hold the event
  // loop (timers, the AbortSignal) until the last one.
  if (train.rows === 0) throw new RangeError(`'x' has no rows: nothing to train on`);
  let batchSize: number;
  if (options.batchSize === 'full') batchSize = Math.max(train.rows, 1);
  else batchSize = int(options.batchSize, 'batchSize', 1, 32);
  batchSize = Math.min(batchSize, Math.max(train.rows, 1));
  const shuffle = options.shuffle ?? true;
  if (typeof shuffle !== 'boolean') throw new TypeError(`'shuffle' must be a boolean`);
  const seed = int(options.seed, 'seed', 0, model.seed);
  const metrics = options.metrics ?? [];
  if (!Array.isArray(metrics) || metrics.some((m) => m !== 'accuracy')) throw new TypeError(`'metrics' must be an array of 'accuracy'`);
  const callbacks = options.callbacks ?? {};
  if (typeof callbacks !== 'object' || callbacks === null) throw new TypeError(`'callbacks' must be an object`);
  for (const [k, fn] of Object.entries(callbacks)) {
    if (!['onEpochBegin', 'onEpochEnd', 'onBatchEnd', 'onTrainEnd'].includes(k)) throw new TypeError(`'callbacks.${k}' is not a known callback`);
    if (fn !== undefined && typeof fn !== 'function') throw new TypeError(`'callbacks.${k}' must be a function`);
  }
  let earlyStopping: Required<EarlyStoppingOptions> | null = null;
  if (options.earlyStopping !== undefined) {
    const e = options.earlyStopping;
    if (typeof e !== 'object' || e === null) throw new TypeError(`'earlyStopping' must be an object`);
    const monitor = e.monitor ?? (validation ? 'valLoss' : 'loss');
    if (!['loss', 'valLoss', 'accuracy', 'valAccuracy'].includes(monitor)) throw new RangeError(`'earlyStopping.monitor' must be loss, valLoss, accuracy or valAccuracy`);
    if (monitor.startsWith('val') && !validation) throw new RangeError(`'earlyStopping.monitor' ${monitor} needs validation data`);
    if (monitor.toLowerCase().includes('accuracy') && !metrics.includes('accuracy')) throw new RangeError(`'earlyStopping.monitor' ${monitor} needs metrics: ['accuracy']`);
    const minDelta = e.minDelta ?? 0;
    if (typeof minDelta !== 'number' || !(minDelta >= 0)) throw new RangeError(`'earlyStopping.minDelta' must be >= 0`);
    earlyStopping = { monitor, patience: int(e.patience, 'earlyStopping.patience', 0, 0), minDelta, restoreBestWeights: !!e.restoreBestWeights };
  }
  const lrScheduler = options.lrScheduler ?? null;
  if (lrScheduler !== null && (typeof lrScheduler !== 'object' || typeof lrScheduler.step !== 'function')) throw new TypeError(`'lrScheduler' must have a step() method`);
  const gradClipNorm = options.gradClipNorm ?? 0;
  if (typeof gradClipNorm !== 'number' || !(gradClipNorm >= 0) || !Number.isFinite(gradClipNorm)) throw new RangeError(`'gradClipNorm' must be a finite number >= 0`);
  const accumulation = int(options.gradAccumulationSteps, 'gradAccumulationSteps', 1, 1);
  const signal = options.signal ?? null;
  if (signal !== null && !(signal instanceof AbortSignal)) throw new TypeError(`'signal' must be an AbortSignal`);
  const verbose = options.verbose ?? 0;
  if (verbose !== 0 && verbose !== 1) throw new RangeError(`'verbose' must be 0 or 1`);
  const labelSmoothing = options.labelSmoothing ?? 0;
  if (typeof labelSmoothing !== 'number' || !(labelSmoothing >= 0 && labelSmoothing < 1)) throw new RangeError(`'labelSmoothing' must be a number in [0, 1)`);
  if (labelSmoothing > 0 && loss.name !== 'softmaxCrossEntropy') throw new TypeError(`'labelSmoothing' needs loss 'softmaxCrossEntropy'`);
  const precision = options.precision ?? 'fp32';
  if (precision !== 'fp32' && precision !== 'bf16') throw new RangeError(`'precision' must be 'fp32' or 'bf16' (got ${String(precision)})`);
  const gradientHook = options.gradientHook ?? null;
  if (gradientHook !== null && typeof gradientHook !== 'function') throw new TypeError(`'gradientHook' must be a function`);
  if (options.checkFinite) {
    checkFiniteData(train, 'x');
    if (validation) checkFiniteData(validation, 'validationData');
  }
  return {
    optimizer, loss, epochs, batchSize, shuffle, seed, train, validation, accuracy: metrics.includes('accuracy'), callbacks,
    earlyStopping, lrScheduler, gradClipNorm, accumulation, signal, verbose, labelSmoothing, precision, gradientHook,
  };
}
