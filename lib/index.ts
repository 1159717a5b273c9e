/**
 * simdtrain: fast neural-network training in Node.js.
 *
 * SIMD C++ kernels behind Node-API with a typed API: vector primitives, and
 * (as they land) GEMM, fused optimizers, initializers and a trainer.
 * @packageDocumentation
 */
export { cpuInfo, setIsa, setNumThreads, getNumThreads } from './cpu';
export type { CpuInfo, IsaName } from './cpu';
export * as vec from './vector';
export * from './viz';
