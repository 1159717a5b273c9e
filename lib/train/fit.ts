/**
 * The training loop of `model.fit` (Sequential or functional Model).
 *
 * Each step is one native async task (forward + fused loss + backward for a
 * batch, run on libuv's thread pool); the optimizer step, callbacks and the
 * AbortSignal check run on the main thread between batches. The event loop
 * therefore stays responsive for the whole fit. See docs/training.md.
 * @packageDocumentation
 */
import { accuracyCount, lossCount, type GraphModel } from '../nn/graph';
import type { Labels, Matrix, ModelInput } from '../nn/types';
import { clipGradNorm } from '../optim/clip';
import { resolveFitOptions, type DataSet, type ResolvedFit } from './options';
import { permutation } from './shuffle';
import type { EpochLogs, FitOptions, History } from './types';

/** The error fit rejects with when its AbortSignal fires. */
export class AbortError extends Error {
  /** The history up to the last complete epoch. */
  readonly history: History;
  /** @internal */
  constructor(history: History, cause: unknown) {
    super('fit aborted', { cause });
    this.name = 'AbortError';
    this.history = history;
  }
}

/** @internal (also used by simdtrain/distributed) */
export function emptyHistory(): History {
  return { epochs: 0, loss: [], accuracy: [], valLoss: [], valAccuracy: [], lr: [], seconds: [], samplesPerSecond: [], stoppedEarly: false };
}

async function call<T extends unknown[]>(fn: ((...a: T) => void | Promise<void>) | undefined, ...args: T): Promise<void> {
  if (!fn) return;
  const r = fn(...args);
  if (r && typeof (r as Promise<void>).then === 'function') await r;
}

async function evaluateSet(model: GraphModel, r: ResolvedFit, d: DataSet): Promise<{ loss: number; accuracy: number }> {
  const [sum, correct] = await model.plan.evaluate(d.x, null, 0, d.rows, d.labels, d.targets, r.loss.code, null, true, r.labelSmoothing);
  return { loss: sum / lossCount(r.loss, d.rows, model.outFeatures), accuracy: correct / accuracyCount(r.loss, d.rows, model.outFeatures) };
}

/** One epoch of steps; returns the summed loss and hits, or null when aborted. */
async function runEpoch(model: GraphModel, r: ResolvedFit, index: Int32Array | null, onAbort: () => never) {
  const { train, batchSize, accumulation, loss } = r;
  const out = model.outFeatures;
  let lossSum = 0;
  let hits = 0;
  let batch = 0;
  for (let start = 0; start < train.rows; ) {
    if (r.signal?.aborted) onAbort();
    const groupRows = Math.min(batchSize * accumulation, train.rows - start);
    const scale = 1 / lossCount(loss, groupRows, out);
    let groupLoss = 0;
    let groupHits = 0;
    for (let k = 0, done = 0; done < groupRows; k++) {
      const rows = Math.min(batchSize, groupRows - done);
      const [s, c] = await model.plan.trainStep(train.x, index, start + done, rows, train.labels, train.targets, loss.code, scale, k > 0, r.labelSmoothing, undefined, r.precision === 'bf16' ? 1 : 0);
      groupLoss += s;
      groupHits += c;
      done += rows;
      if (done < groupRows && r.signal?.aborted) onAbort(); // partial group: no step, weights untouched
    }
    // Between backward and the step: the hook (e.g. an all-reduce of the
    // gradient arena across processes), then clipping, then the update.
    if (r.gradientHook) await call(r.gradientHook, model.gradArena);
    if (r.gradClipNorm > 0) clipGradNorm([{ data: model.paramArena, grad: model.gradArena }], r.gradClipNorm);
    r.optimizer.step();
    lossSum += groupLoss;
    hits += groupHits;
    start += groupRows;
    if (r.callbacks.onBatchEnd) {
      const logs: { loss: number; accuracy?: number; size: number } = { loss: groupLoss / lossCount(loss, groupRows, out), size: groupRows };
      if (r.accuracy) logs.accuracy = groupHits / accuracyCount(loss, groupRows, out);
      await call(r.callbacks.onBatchEnd, batch, logs);
    }
    batch++;
  }
  return { lossSum, hits };
}

/** Trains `model` (see FitOptions). @internal — use `model.fit`. */
export async function fit(model: GraphModel, x: ModelInput, y: Matrix | Labels, options: FitOptions): Promise<History> {
  model.assertIdle();
  const r = resolveFitOptions(model, x, y, options);
  const history = emptyHistory();
  const onAbort = (): never => {
    throw new AbortError(history, r.signal?.reason);
  };
  model.training = true;
  try {
    model.plan.reserve(r.batchSize); // activations for one batch, no more
    const index = r.shuffle ? new Int32Array(r.train.rows) : null;
    const es = r.earlyStopping;
    const maximize = es ? es.monitor.toLowerCase().includes('accuracy') : false;
    let best = maximize ? -Infinity : Infinity;
    let wait = 0;
    let bestWeights: Float32Array | null = null;
    for (let epoch = 0; epoch < r.epochs; epoch++) {
      if (r.signal?.aborted) onAbort();
      await call(r.callbacks.onEpochBegin, epoch);
      const t0 = performance.now();
      if (index) permutation(index, r.seed, epoch);
      const lr = typeof r.optimizer.lr === 'number' ? r.optimizer.lr : NaN;
      const { lossSum, hits } = await runEpoch(model, r, index, onAbort);
      const trainSeconds = (performance.now() - t0) / 1000;
      const logs = trainLogs(model, r, lossSum, hits, lr, trainSeconds);
      if (r.validation && r.validation.rows > 0) {
        const v = await evaluateSet(model, r, r.validation);
        logs.valLoss = v.loss;
        if (r.accuracy) logs.valAccuracy = v.accuracy;
      }
      logs.seconds = (performance.now() - t0) / 1000;
      record(history, logs);
      if (r.verbose) console.log(formatEpoch(epoch, r.epochs, logs));
      await call(r.callbacks.onEpochEnd, epoch, logs);
      r.lrScheduler?.step(logs.valLoss ?? logs.loss);
      if (es) {
        const value = logs[es.monitor] as number;
        const improved = maximize ? value > best + es.minDelta : value < best - es.minDelta;
        if (improved) {
          best = value;
          wait = 0;
          history.bestEpoch = epoch;
          if (es.restoreBestWeights) (bestWeights ??= new Float32Array(model.paramArena.length)).set(model.paramArena);
        } else if (++wait > es.patience) {
          history.stoppedEarly = true;
          if (bestWeights) model.paramArena.set(bestWeights);
          break;
        }
      }
    }
  } finally {
    model.training = false;
  }
  await call(r.callbacks.onTrainEnd, history);
  return history;
}

/** An epoch's training figures (validation and seconds are filled in later). @internal (also used by simdtrain/distributed) */
export function trainLogs(model: GraphModel, r: ResolvedFit, lossSum: number, hits: number, lr: number, trainSeconds: number): EpochLogs {
  const logs: EpochLogs = { loss: lossSum / lossCount(r.loss, r.train.rows, model.outFeatures), lr, seconds: 0, samplesPerSecond: r.train.rows / trainSeconds };
  if (r.accuracy) logs.accuracy = hits / accuracyCount(r.loss, r.train.rows, model.outFeatures);
  return logs;
}

/** Appends one epoch's figures to the history. @internal (also used by simdtrain/distributed) */
export function record(h: History, logs: EpochLogs): void {
  h.epochs++;
  h.loss.push(logs.loss);
  if (logs.accuracy !== undefined) h.accuracy.push(logs.accuracy);
  if (logs.valLoss !== undefined) h.valLoss.push(logs.valLoss);
  if (logs.valAccuracy !== undefined) h.valAccuracy.push(logs.valAccuracy);
  h.lr.push(logs.lr);
  h.seconds.push(logs.seconds);
  h.samplesPerSecond.push(logs.samplesPerSecond);
}

/** One line of epoch figures (what verbose: 1 prints). */
export function formatEpoch(epoch: number, epochs: number, l: EpochLogs): string {
  const parts = [`epoch ${epoch + 1}/${epochs}`, `loss ${l.loss.toFixed(4)}`];
  if (l.accuracy !== undefined) parts.push(`acc ${(l.accuracy * 100).toFixed(2)}%`);
  if (l.valLoss !== undefined) parts.push(`val_loss ${l.valLoss.toFixed(4)}`);
  if (l.valAccuracy !== undefined) parts.push(`val_acc ${(l.valAccuracy * 100).toFixed(2)}%`);
  parts.push(`${Math.round(l.samplesPerSecond).toLocaleString('en-US')} samples/s`, `${l.seconds.toFixed(2)} s`);
  return parts.join('  ');
}
