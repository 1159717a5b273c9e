/**
 * Loads the optional MPI addon (`simdtrain_mpi.node`, built by
 * `npm run build:mpi` where MPI is installed) on first use, never at import.
 * `SIMDTRAIN_MPI_ADDON=/path/to/simdtrain_mpi.node` overrides the path.
 * @packageDocumentation
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Functions exported by native/mpi/mpi_binding.cc; each validates its arguments in C++ too. */
export interface MpiAddon {
  init(timeoutMs: number, spinUs?: number): Promise<{ rank: number; size: number; threadLevel: number }>;
  /** op: 0 sum, 1 mean. */
  allReduce(array: Float32Array | Float64Array, op: number, timeoutMs: number): Promise<void>;
  broadcast(array: Float32Array | Float64Array, root: number, timeoutMs: number): Promise<void>;
  barrier(timeoutMs: number): Promise<void>;
  finalize(timeoutMs: number): Promise<void>;
  /** layout: [offset, length, readyAt] per bucket, readyAt non-increasing. */
  makeGradHook(grads: Float32Array, layout: Float64Array, timeoutMs: number): GradHook;
  /** Queues the buckets not launched yet and resolves when the step's buckets are all summed. */
  reduceBuckets(hook: GradHook, timeoutMs: number): Promise<void>;
  stats(): CommStats;
  info(): { initialized: boolean; finalized: boolean; broken: boolean; rank: number; size: number; library: string };
}

/** A type-tagged, frozen object the main addon's trainStep accepts as its gradient hook. */
export interface GradHook {
  readonly buckets: number;
}

/** Cumulative figures of the MPI thread (see {@link stats}). */
export interface CommStats {
  /** Jobs run (collectives, gradient buckets, fences). */
  jobs: number;
  /** Summed time from queuing to the MPI thread picking a job up, µs. */
  waitUs: number;
  /** Summed time in the cross-rank argument checks, µs. */
  checkUs: number;
  /** Summed time in the MPI data calls, µs. */
  mpiUs: number;
  /** Gradient buckets queued by a backward pass itself (fitDistributed with overlap). */
  hookBuckets: number;
  /** Summed time from the MPI thread posting a result to the event loop settling its Promise, µs. */
  returnUs: number;
}

export const INSTALL_HINT =
  'install MPI (Debian/Ubuntu: `apt install libopenmpi-dev openmpi-bin`, or MPICH: `apt install libmpich-dev mpich`), ' +
  'then build the addon in the simdtrain package directory with `npm run build:mpi`';

const packageRoot = path.join(__dirname, '..', '..');
let cached: MpiAddon | null = null;

/** The addon's path: the override, else the local build. */
export function addonPath(): string {
  return process.env.SIMDTRAIN_MPI_ADDON || path.join(packageRoot, 'native', 'mpi', 'build', 'Release', 'simdtrain_mpi.node');
}

/** The addon, or an Error that says which package to install. */
export function loadMpi(): MpiAddon {
  if (cached) return cached;
  const file = addonPath();
  if (!fs.existsSync(file)) {
    throw new Error(`simdtrain/distributed needs the MPI addon, which is not built (${file} is missing): ${INSTALL_HINT}`);
  }
  const mod = { exports: {} as MpiAddon };
  try {
    // RTLD_GLOBAL: Open MPI loads its components with dlopen, and some builds
    // need libmpi's symbols visible to them.
    process.dlopen(mod, file, os.constants.dlopen.RTLD_NOW | os.constants.dlopen.RTLD_GLOBAL);
  } catch (e) {
    throw new Error(`simdtrain/distributed: the MPI addon ${file} does not load (${(e as Error).message}): ${INSTALL_HINT}`, { cause: e });
  }
  cached = mod.exports;
  return cached;
}
