/**
 * CPU detection, ISA selection and the native thread pool.
 * @packageDocumentation
 */
import { native } from './native';

/** Names of the kernel instruction sets simdtrain can be built with. */
export type IsaName = 'scalar' | 'sse2' | 'avx2' | 'avx512' | 'neon';

/** How bf16 GEMMs (`precision: 'bf16'`) run: see {@link setBf16} and docs/bf16.md. */
export type Bf16PathName = 'amx' | 'avx512bf16' | 'emulate' | 'off';

/** The bf16 paths {@link cpuInfo} reports. */
export interface Bf16Info {
  /** AMX tiles usable (CPU, OS tile state and the Linux tile-data permission). */
  amx: boolean;
  /** AVX512-BF16 (VDPBF16PS) usable. */
  avx512bf16: boolean;
  /** The path bf16 requests take now (`'emulate'`: inputs rounded to bf16, then the fp32 GEMM; `'off'`: computed in fp32). */
  active: Bf16PathName;
  /** Why a path is unavailable, e.g. `{ amx: 'CPU lacks AMX-BF16' }`. */
  reasons: { amx?: string; avx512bf16?: string };
  /** Set when `SIMDTRAIN_BF16` named a path that cannot run here (it was ignored). */
  envError?: string;
}

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
  /** The bf16 GEMM paths. */
  bf16: Bf16Info;
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
 * Chooses how bf16 GEMMs run: `'amx'`, `'avx512bf16'`, `'emulate'` (any
 * CPU: A and B rounded to bf16, then the fp32 GEMM) or `'off'` (`precision: 'bf16'` is ignored and
 * the product is computed in fp32). The default is the best available path;
 * the environment variable `SIMDTRAIN_BF16` sets it when the addon loads.
 *
 * @throws RangeError when the name is unknown or the path cannot run here.
 */
export function setBf16(path: Bf16PathName): void {
  native.setBf16(path);
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

/**
 * The fp32 fused-multiply-add throughput of this CPU with the active ISA, in
 * GFLOPS: independent FMA chains on `threads` threads at once (at most
 * {@link getNumThreads}; compute only, no memory traffic), best of repeated rounds over about `seconds`. This is the
 * ceiling GEMM and convolution GFLOPS are compared with. Blocks the calling
 * thread for `seconds`.
 *
 * @throws RangeError unless `threads` is an integer from 1 to 1024 and
 * `seconds` is in (0, 2].
 */
export function fmaPeakGflops(options: { threads?: number; seconds?: number } = {}): number {
  return native.fmaPeak(options.threads ?? getNumThreads(), options.seconds ?? 0.2);
}
