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
export * as rng from './rng';
export { Generator } from './rng';
export type { GeneratorState } from './rng';
export * from './init';
export { matrix, isMatrix, assertMatrix, at } from './matrix';
export type { Matrix } from './matrix';
export { sgemm, sgemmAsync, matmul, matmulAsync } from './gemm';
export type { Transpose, Activation, GemmEpilogue, MatmulOptions } from './gemm';
