/**
 * simdtrain: fast neural-network training in Node.js.
 *
 * SIMD C++ kernels behind Node-API with a typed API: vector primitives, and
 * (as they land) GEMM, fused optimizers, initializers and a trainer.
 * @packageDocumentation
 */
export { cpuInfo, setIsa, setBf16, setNumThreads, getNumThreads, fmaPeakGflops } from './cpu';
export type { CpuInfo, IsaName, Bf16Info, Bf16PathName } from './cpu';
export * as vec from './vector';
export * from './viz';
export * as rng from './rng';
export { Generator } from './rng';
export type { GeneratorState } from './rng';
export * from './init';
export { matrix, isMatrix, assertMatrix, at } from './matrix';
export type { Matrix } from './matrix';
export { sgemm, sgemmAsync, matmul, matmulAsync } from './gemm';
export type { Transpose, Activation, GemmEpilogue, MatmulOptions, Precision } from './gemm';
// ---- nn / train (issue #6) ---------------------------------------------------
export * from './nn/layers';
export { Sequential } from './nn/sequential';
export type { SequentialOptions } from './nn/sequential';
export { Model } from './nn/model';
export { mnistConvnet, resnet20 } from './nn/zoo';
export type { ModelArgs } from './nn/model';
export { GraphModel } from './nn/graph';
export type { Evaluation, ModelOptions } from './nn/graph';
export { ACTIVATIONS } from './nn/activations';
export type { ActivationName } from './nn/activations';
export { mse, softmaxCrossEntropy, binaryCrossEntropy } from './nn/losses';
export type { Loss, LossName } from './nn/losses';
export type { Param, Labels, IdMatrix, ModelInput } from './nn/types';
export { AbortError } from './train/fit';
export type { FitOptions, History, EpochLogs, Callbacks, EarlyStoppingOptions, OptimizerLike, SchedulerLike } from './train/types';
export { loadCheckpoint } from './nn/load';
export type { Checkpoint, SaveOptions } from './io/checkpoint';
export { encodeSafetensors, decodeSafetensors, SafetensorsError } from './io/safetensors';
export type { Tensor, SafetensorsFile } from './io/safetensors';
export { loadMnist } from './data/mnist';
export type { MnistSplit, MnistOptions } from './data/mnist';
export { parseIdx, IdxFormatError } from './data/idx';
export type { IdxTensor } from './data/idx';
export * as functional from './nn/functional';
// ---- learning-rate schedulers (issue #3) ---------------------------------------
export * from './optim/schedulers';
// ---- optimizers (issue #3) -----------------------------------------------------
export * from './optim';
