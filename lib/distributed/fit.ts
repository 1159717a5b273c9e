/**
 * Data-parallel `fit` over MPI: every rank holds the whole model and trains
 * on its shard of each step's rows.
 *
 * Per step, the global batch of `size * batchSize` rows (taken from the same
 * seeded permutation on every rank) is split by rank; each rank runs forward
 * + backward on its rows with the loss scaled by the *global* row count, the
 * gradient arena is all-reduced (sum), and every rank runs the same optimizer
 * step on the same bits (the arena goes in buckets, see ./buckets.ts). So 2 ranks with batch B follow 1 process with batch
 * 2B (to float rounding) and the sum of the two shards' gradients in one
 * process (bitwise; see docs/distributed.md). Works for any layer-graph model (Sequential or Model).
 * @packageDocumentation
 */
import { saveCheckpoint, type SavableModel } from '../io/checkpoint';
import { accuracyCount, lossCount, type GraphModel } from '../nn/graph';
import type { Labels, Matrix } from '../nn/types';
import { AbortError, emptyHistory, formatEpoch, record, trainLogs } from '../train/fit';
import { resolveFitOptions, type ResolvedFit } from '../train/options';
import { permutation } from '../train/shuffle';
import type { FitOptions, History } from '../train/types';
import { clipGradNorm } from '../optim/clip';
import * as vec from '../vector';
import { bucketLayout, gradientBuckets } from './buckets';
import { allReduce, broadcast, defaultTimeoutMs, rank, size, startedAddon } from './collectives';
import type { GradHook, MpiAddon } from './native';

/** Options of {@link fitDistributed}: those of `fit`, plus a checkpoint path and the gradient buckets. */
export interface DistributedFitOptions extends FitOptions {
  /** Rank 0 saves the model (and optimizer state) here after every epoch. */
  checkpointPath?: string;
  /**
   * Size of the gradient buckets in bytes (default {@link DEFAULT_BUCKET_BYTES}):
   * the gradient arena is all-reduced in contiguous pieces of about this size,
   * last layers first.
   */
  bucketBytes?: number;
  /**
   * Start each bucket's all-reduce as soon as the backward pass has finished
   * its layers, while the earlier layers' gradients are still being computed
   * (default {@link DEFAULT_OVERLAP}). Pays where the ranks have a core or a
   * network to spare for the communication; see docs/distributed.md.
   */
  overlap?: boolean;
}

/** The default of {@link DistributedFitOptions.bucketBytes}: 4 MiB. */
export const DEFAULT_BUCKET_BYTES = 4 << 20;
/** The default of {@link DistributedFitOptions.overlap}. */
export const DEFAULT_OVERLAP = false;

interface Comm {
  mpi: MpiAddon;
  hook: GradHook;
  overlap: boolean;
  timeoutMs: number;
}

/**
 * Checks that every rank sees the same figures: the sums of v and v² over n
 * ranks equal n·v and n·v² on every rank only when all v are equal.
 */
async function checkAgreement(figures: Record<string, number>): Promise<void> {
  const names = Object.keys(figures);
  const buf = new Float64Array(names.length * 2);
  names.forEach((k, i) => {
    buf[i] = figures[k];
    buf[names.length + i] = figures[k] * figures[k];
  });
  await allReduce(buf, 'sum');
  const n = size();
  names.forEach((k, i) => {
    const v = figures[k];
    if (buf[i] !== n * v || buf[names.length + i] !== n * v * v) {
      throw new RangeError(`fitDistributed: the ranks disagree on ${k} (rank ${rank()} has ${v}, mean over ranks ${buf[i] / n}); every rank must call it with the same data shape and options`);
    }
  });
}

/**
 * Figures that pin the bucket layout down, for checkAgreement: the buckets
 * carry no per-call argument check, so every rank must cut the same pieces.
 */
function layoutFigures(buckets: ReturnType<typeof gradientBuckets>): Record<string, number> {
  let a = 0;
  let b = 0;
  buckets.forEach((k, i) => {
    a = (a * 31 + k.offset * 7 + k.length) % 1_000_003;
    b = (b + (i + 1) * (k.readyAt + 1)) % 1_000_003;
  });
  return { 'gradient buckets': buckets.length, 'bucket layout': a, 'bucket order': b };
}

/** Resolves the options on every rank; one rank's error stops all of them. */
async function resolveEverywhere(model: GraphModel, x: Matrix, y: Matrix | Labels, options: FitOptions): Promise<ResolvedFit> {
  let r: ResolvedFit | null = null;
  let error: unknown = null;
  try {
    r = resolveFitOptions(model, x, y, options);
  } catch (e) {
    error = e;
  }
  const failed = new Float64Array([error ? 1 : 0]);
  await allReduce(failed, 'sum');
  if (error) throw error;
  if (failed[0] > 0) throw new Error(`fitDistributed: fit options were rejected on ${failed[0]} other rank(s) (see their error)`);
  return r!;
}

/** One epoch; returns the loss sum and hits over all ranks. */
async function runEpoch(model: GraphModel, r: ResolvedFit, index: Int32Array, comm: Comm, onAbort: () => never) {
  const me = rank();
  const n = size();
  const { train, batchSize, loss } = r;
  const out = model.outFeatures;
  const stats = new Float64Array(3); // loss sum, hits, aborted ranks
  let lossSum = 0;
  let hits = 0;
  let batch = 0;
  for (let start = 0; start < train.rows; start += batchSize * n, batch++) {
    const groupRows = Math.min(batchSize * n, train.rows - start);
    const myFirst = Math.min(me * batchSize, groupRows);
    const myRows = Math.min(batchSize, groupRows - myFirst);
    const scale = 1 / lossCount(loss, groupRows, out);
    stats.fill(0);
    if (myRows > 0) {
      // With overlap, the backward worker queues each bucket as it becomes final.
      const hook = comm.overlap ? comm.hook : undefined;
      const [s, c] = await model.plan.trainStep(train.x, index, start + myFirst, myRows, train.labels, train.targets, loss.code, scale, false, r.labelSmoothing, hook, r.precision === 'bf16' ? 1 : 0);
      stats[0] = s;
      stats[1] = c;
    } else {
      vec.fill(model.gradArena, 0); // the last step can leave a rank without rows
    }
    stats[2] = r.signal?.aborted ? 1 : 0;
    // The buckets not yet launched, then the figures: one Promise each.
    await Promise.all([comm.mpi.reduceBuckets(comm.hook, comm.timeoutMs), allReduce(stats, 'sum')]);
    if (stats[2] > 0) onAbort(); // every rank stops at the same step, weights untouched
    // Then what fit does between backward and the step, on the reduced gradients.
    if (r.gradientHook) await r.gradientHook(model.gradArena);
    if (r.gradClipNorm > 0) clipGradNorm([{ data: model.paramArena, grad: model.gradArena }], r.gradClipNorm);
    r.optimizer.step();
    lossSum += stats[0];
    hits += stats[1];
    if (r.callbacks.onBatchEnd) {
      const logs: { loss: number; accuracy?: number; size: number } = { loss: stats[0] / lossCount(loss, groupRows, out), size: groupRows };
      if (r.accuracy) logs.accuracy = stats[1] / accuracyCount(loss, groupRows, out);
      await r.callbacks.onBatchEnd(batch, logs);
    }
  }
  return { lossSum, hits };
}

/** Validation: each rank evaluates its slice of the rows; the sums are reduced. */
async function evaluateShard(model: GraphModel, r: ResolvedFit): Promise<{ loss: number; accuracy: number }> {
  const v = r.validation!;
  const me = rank();
  const n = size();
  const begin = Math.floor((me * v.rows) / n);
  const end = Math.floor(((me + 1) * v.rows) / n);
  const sums = new Float64Array(2);
  if (end > begin) {
    const [s, c] = await model.plan.evaluate(v.x, null, begin, end - begin, v.labels, v.targets, r.loss.code, null, true, r.labelSmoothing);
    sums[0] = s;
    sums[1] = c;
  }
  await allReduce(sums, 'sum');
  return { loss: sums[0] / lossCount(r.loss, v.rows, model.outFeatures), accuracy: sums[1] / accuracyCount(r.loss, v.rows, model.outFeatures) };
}

/**
 * Trains `model` on every rank of the MPI job (after `await init()`), with
 * `batchSize` rows per rank per step. Initial weights and the shuffle seed
 * come from rank 0; metrics are reduced over all ranks; only rank 0 prints
 * (verbose) and writes `checkpointPath`. Callbacks run on every rank with the
 * same reduced figures. Not yet supported: earlyStopping, gradAccumulationSteps.
 */
export async function fitDistributed(model: SavableModel, x: Matrix, y: Matrix | Labels, options: DistributedFitOptions): Promise<History> {
  const me = rank(); // throws before init()
  if (typeof options !== 'object' || options === null) throw new TypeError(`'options' must be an object with at least an 'optimizer'`);
  const { checkpointPath, bucketBytes = DEFAULT_BUCKET_BYTES, overlap = DEFAULT_OVERLAP, ...fitOptions } = options;
  if (checkpointPath !== undefined && typeof checkpointPath !== 'string') throw new TypeError(`'checkpointPath' must be a string`);
  if (typeof bucketBytes !== 'number') throw new TypeError(`'bucketBytes' must be a number (got ${typeof bucketBytes})`);
  if (!Number.isInteger(bucketBytes) || bucketBytes < 4) throw new RangeError(`'bucketBytes' must be an integer >= 4 (got ${bucketBytes})`);
  if (typeof overlap !== 'boolean') throw new TypeError(`'overlap' must be a boolean (got ${typeof overlap})`);
  if (fitOptions.earlyStopping !== undefined) throw new TypeError(`fitDistributed: 'earlyStopping' is not supported yet`);
  if (fitOptions.gradAccumulationSteps !== undefined && fitOptions.gradAccumulationSteps !== 1) {
    throw new TypeError(`fitDistributed: 'gradAccumulationSteps' is not supported yet (use more ranks or a larger batchSize)`);
  }
  model.assertIdle();
  const mpi = startedAddon('fitDistributed');
  const r = await resolveEverywhere(model, x, y, fitOptions);
  const buckets = gradientBuckets(model, bucketBytes);
  await checkAgreement({
    'training rows': r.train.rows, batchSize: r.batchSize, epochs: r.epochs, shuffle: r.shuffle ? 1 : 0,
    'parameter count': model.paramArena.length, 'validation rows': r.validation?.rows ?? 0, 'loss code': r.loss.code,
    ...layoutFigures(buckets), overlap: overlap ? 1 : 0,
  });
  const timeoutMs = defaultTimeoutMs();
  const comm: Comm = { mpi, hook: mpi.makeGradHook(model.gradArena, bucketLayout(buckets), timeoutMs), overlap, timeoutMs };
  // Rank 0's seed and weights: the default seeds are random per process.
  const seed = new Float64Array([r.seed]);
  await broadcast(seed, 0);
  r.seed = seed[0];
  await broadcast(model.paramArena, 0);

  const history = emptyHistory();
  const onAbort = (): never => {
    throw new AbortError(history, r.signal?.reason);
  };
  const index = new Int32Array(r.train.rows);
  model.training = true;
  try {
    model.plan.reserve(r.batchSize);
    for (let epoch = 0; epoch < r.epochs; epoch++) {
      await r.callbacks.onEpochBegin?.(epoch);
      const t0 = performance.now();
      if (r.shuffle) permutation(index, r.seed, epoch);
      else for (let i = 0; i < index.length; i++) index[i] = i;
      const lr = typeof r.optimizer.lr === 'number' ? r.optimizer.lr : NaN;
      const { lossSum, hits } = await runEpoch(model, r, index, comm, onAbort);
      const trainSeconds = (performance.now() - t0) / 1000;
      const logs = trainLogs(model, r, lossSum, hits, lr, trainSeconds);
      if (r.validation && r.validation.rows > 0) {
        const v = await evaluateShard(model, r);
        logs.valLoss = v.loss;
        if (r.accuracy) logs.valAccuracy = v.accuracy;
      }
      logs.seconds = (performance.now() - t0) / 1000;
      record(history, logs);
      if (me === 0 && r.verbose) console.log(formatEpoch(epoch, r.epochs, logs));
      if (me === 0 && checkpointPath) await saveCheckpoint(model, checkpointPath, { optimizer: r.optimizer, epoch: epoch + 1 });
      await r.callbacks.onEpochEnd?.(epoch, logs);
      r.lrScheduler?.step(logs.valLoss ?? logs.loss);
    }
  } finally {
    model.training = false;
  }
  await r.callbacks.onTrainEnd?.(history);
  return history;
}
