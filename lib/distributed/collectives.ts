/**
 * The collectives of `simdtrain/distributed` over the MPI addon.
 *
 * Launch with `mpirun -np N node train.js`; every rank runs the same script.
 * Every collective is queued to one dedicated MPI thread (so the event loop
 * stays free) and returns a Promise; a watchdog fails any collective that
 * outlives its timeout (a dead or hung peer), after which this process must
 * exit. See docs/distributed.md.
 * @packageDocumentation
 */
import { loadMpi, type CommStats, type MpiAddon } from './native';

/** Options of {@link init}. */
export interface InitOptions {
  /**
   * Default watchdog timeout of every collective in ms (default 120000, or
   * the env variable SIMDTRAIN_MPI_TIMEOUT_MS).
   */
  timeoutMs?: number;
  /**
   * Print a message and exit with status 143 when the launcher sends SIGTERM
   * (mpirun stops all ranks when one dies). Default true.
   */
  handleSigterm?: boolean;
  /**
   * After each collective the MPI thread polls for the next one this long
   * (yielding the core between polls) before it sleeps, so back-to-back
   * collectives skip a thread wake-up. Default {@link DEFAULT_SPIN_US} µs, or
   * the env variable SIMDTRAIN_MPI_SPIN_US; 0 sleeps at once.
   */
  spinUs?: number;
}

/** The default of {@link InitOptions.spinUs}. */
export const DEFAULT_SPIN_US = 50;

/** Options of one collective. */
export interface CollectiveOptions {
  /** Watchdog timeout of this call in ms (default: the init timeout). */
  timeoutMs?: number;
}

export type ReduceOp = 'sum' | 'mean';

let addon: MpiAddon | null = null;
let world: { rank: number; size: number } | null = null;
let defaultTimeout = 120_000;

function checkTimeout(value: unknown, name: string): number {
  if (typeof value !== 'number') throw new TypeError(`'${name}' must be a number (got ${typeof value})`);
  if (!Number.isInteger(value) || value < 1 || value > 1e9) throw new RangeError(`'${name}' must be an integer in [1, 1e9] ms (got ${value})`);
  return value;
}

function timeoutOf(options: CollectiveOptions | undefined): number {
  if (options === undefined) return defaultTimeout;
  if (typeof options !== 'object' || options === null) throw new TypeError(`'options' must be an object`);
  return options.timeoutMs === undefined ? defaultTimeout : checkTimeout(options.timeoutMs, 'options.timeoutMs');
}

function checkArray(array: unknown, fn: string): Float32Array | Float64Array {
  if (!(array instanceof Float32Array) && !(array instanceof Float64Array)) {
    throw new TypeError(`${fn}: 'array' must be a Float32Array or Float64Array`);
  }
  return array;
}

function ready(fn: string): MpiAddon {
  if (!addon || !world) throw new Error(`simdtrain/distributed: ${fn}() before init(): call \`await init()\` first`);
  return addon;
}

/** The started addon (for fitDistributed's gradient buckets). @internal */
export function startedAddon(fn: string): MpiAddon {
  return ready(fn);
}

/** The default watchdog timeout set by init(). @internal */
export function defaultTimeoutMs(): number {
  return defaultTimeout;
}

/** True when the MPI addon is built and loads (it does not start MPI). */
export function isAvailable(): boolean {
  try {
    loadMpi();
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts MPI (MPI_Init_thread, MPI_THREAD_FUNNELED, on the MPI thread) and
 * resolves with this process's rank and the number of ranks. Once per process.
 * Throws an Error naming the package to install when MPI is missing.
 */
export async function init(options: InitOptions = {}): Promise<{ rank: number; size: number }> {
  if (typeof options !== 'object' || options === null) throw new TypeError(`'options' must be an object`);
  const env = process.env.SIMDTRAIN_MPI_TIMEOUT_MS;
  const timeout = options.timeoutMs ?? (env ? Number(env) : 120_000);
  checkTimeout(timeout, options.timeoutMs !== undefined ? 'timeoutMs' : 'SIMDTRAIN_MPI_TIMEOUT_MS');
  const handleSigterm = options.handleSigterm ?? true;
  if (typeof handleSigterm !== 'boolean') throw new TypeError(`'handleSigterm' must be a boolean`);
  const envSpin = process.env.SIMDTRAIN_MPI_SPIN_US;
  const spinUs = options.spinUs ?? (envSpin ? Number(envSpin) : DEFAULT_SPIN_US);
  const spinName = options.spinUs !== undefined ? 'spinUs' : 'SIMDTRAIN_MPI_SPIN_US';
  if (typeof spinUs !== 'number') throw new TypeError(`'${spinName}' must be a number (got ${typeof spinUs})`);
  if (!(spinUs >= 0 && spinUs <= 1e6)) throw new RangeError(`'${spinName}' must be in [0, 1e6] µs (got ${spinUs})`);
  const mpi = loadMpi();
  const r = await mpi.init(timeout, spinUs);
  defaultTimeout = timeout;
  addon = mpi;
  world = { rank: r.rank, size: r.size };
  if (handleSigterm) {
    process.once('SIGTERM', () => {
      process.stderr.write(`simdtrain/distributed: rank ${r.rank} of ${r.size} got SIGTERM from the launcher (a peer rank died or exited with an error); exiting\n`);
      process.exit(143);
    });
  }
  return { ...world };
}

/** This process's rank in [0, size). */
export function rank(): number {
  ready('rank');
  return world!.rank;
}

/** The number of ranks. */
export function size(): number {
  ready('size');
  return world!.size;
}

/**
 * Sums `array` element-wise over every rank, in place, off the event loop
 * ('mean' divides by size afterwards). Every rank must pass the same length
 * and type; a mismatch rejects on every rank with an error naming both.
 */
export function allReduce(array: Float32Array | Float64Array, op: ReduceOp = 'sum', options?: CollectiveOptions): Promise<void> {
  const mpi = ready('allReduce');
  checkArray(array, 'allReduce');
  if (typeof op !== 'string') throw new TypeError(`allReduce: 'op' must be 'sum' or 'mean' (got ${typeof op})`);
  if (op !== 'sum' && op !== 'mean') throw new RangeError(`allReduce: 'op' must be 'sum' or 'mean' (got '${op}')`);
  return mpi.allReduce(array, op === 'sum' ? 0 : 1, timeoutOf(options));
}

/** Copies `array` from rank `root` (default 0) to every rank, in place. */
export function broadcast(array: Float32Array | Float64Array, root = 0, options?: CollectiveOptions): Promise<void> {
  const mpi = ready('broadcast');
  checkArray(array, 'broadcast');
  if (typeof root !== 'number') throw new TypeError(`broadcast: 'root' must be a number (got ${typeof root})`);
  if (!Number.isInteger(root) || root < 0 || root >= world!.size) throw new RangeError(`broadcast: 'root' must be an integer rank in [0, ${world!.size}) (got ${root})`);
  return mpi.broadcast(array, root, timeoutOf(options));
}

/** Resolves once every rank has called barrier(). */
export function barrier(options?: CollectiveOptions): Promise<void> {
  return ready('barrier').barrier(timeoutOf(options));
}

/**
 * Cumulative figures of the MPI thread since init(): jobs run and the µs
 * spent waiting in its queue, in the cross-rank argument checks and in the
 * MPI calls themselves (what a collective costs besides the Promise hop).
 */
export function stats(): CommStats {
  return ready('stats').stats();
}

/** Shuts MPI down (MPI_Finalize) and stops the MPI thread; no call may follow. */
export async function finalize(options?: CollectiveOptions): Promise<void> {
  const mpi = ready('finalize');
  await mpi.finalize(timeoutOf(options));
  world = null;
  addon = null;
}
