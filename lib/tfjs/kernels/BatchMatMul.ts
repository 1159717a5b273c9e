/** BatchMatMul: simdtrain SGEMM per batch (cpu kernel for non-float32 inputs). */
import { BatchMatMul, getKernel, type BatchMatMulAttrs, type BatchMatMulInputs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { BACKEND_NAME } from '../backend';
import { planMatMul, runMatMul } from '../matmul';

export function batchMatMul(args: { inputs: BatchMatMulInputs; backend: MathBackendCPU; attrs: BatchMatMulAttrs }): TensorInfo {
  const { a, b } = args.inputs;
  const { transposeA, transposeB } = args.attrs;
  const plan = planMatMul(args.backend, a!, b!, transposeA, transposeB);
  if (plan === null) return getKernel(BatchMatMul, 'cpu')!.kernelFunc(args as never) as TensorInfo;
  return runMatMul(args.backend, plan, transposeA, transposeB);
}

export const batchMatMulConfig: KernelConfig = {
  kernelName: BatchMatMul,
  backendName: BACKEND_NAME,
  kernelFunc: batchMatMul as unknown as KernelFunc,
};
