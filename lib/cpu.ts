/**
 * CPU detection, ISA selection and the native thread pool.
 * @packageDocumentation
 */
import { native } from './native';

/** Names of the kernel instruction sets simdtrain can be built with. */
export type IsaName = 'scalar' | 'sse2' | 'avx2' | 'avx512' | 'neon';

/** What {@link cpuInfo} reports. */
export interface CpuInfo {
  /** `'x64'`, `'arm64'` or `'other'`. */
  arch: string;
  /** The instruction set whose kernels run now. */
  isa: IsaName;
  /** The best instruction set this CPU and OS support (the default). */
  best: IsaName;
  /** Every instruction set usable here, from least to most capable. */
  supported: IsaName[];
  /** Threads used by parallel kernels (see {@link setNumThreads}). */
  threads: number;
}

/**
 * Reports the CPU architecture, the active kernel ISA and the thread count.
 *
 * @example
 * ```ts
 * import { cpuInfo } from 'simdtrain';
 * console.log(cpuInfo()); // { arch: 'x64', isa: 'avx512', best: 'avx512', supported: [...], threads: 2 }
 * ```
 */
export function cpuInfo(): CpuInfo {
  return native.cpuInfo() as CpuInfo;
}

/**
 * Forces the kernels of one instruction set (for tests and benchmarks).
 * The environment variable `SIMDTRAIN_ISA` does the same when the addon loads.
 *
 * Process-wide: the setting is shared by the main thread and every Worker
 * (they run one copy of the native code), so a Worker that calls this changes
 * the kernels everyone uses. See docs/threads-and-memory.md.
 *
 * @throws RangeError when the name is unknown or the CPU cannot run it.
 */
export function setIsa(isa: IsaName): void {
  native.setIsa(isa);
}

/**
 * Sets how many threads parallel kernels use, the calling thread included
 * (1 runs everything on the calling thread). Default: the number of cores.
 *
 * Process-wide: one native thread pool serves the main thread and every
 * Worker, so a Worker that calls this resizes it for all of them.
 *
 * @throws RangeError unless `n` is an integer from 1 to 1024.
 */
export function setNumThreads(n: number): void {
  native.setNumThreads(n);
}

/** The thread count parallel kernels use. */
export function getNumThreads(): number {
  return native.getNumThreads();
}
