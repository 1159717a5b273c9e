/**
 * _FusedMatMul: SGEMM with the bias add and ReLU fused into its store when
 * the bias is one row of N values; other biases and activations run as
 * simdtrain-backend kernels afterwards (never tfjs's cpu ones directly).
 */
import { _FusedMatMul, getKernel, util, type _FusedMatMulAttrs, type _FusedMatMulInputs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { BACKEND_NAME, f32 } from '../backend';
import { applyActivation } from '../activation';
import { callKernel } from '../call';
import { planMatMul, runMatMul } from '../matmul';

export function fusedMatMul(args: { inputs: _FusedMatMulInputs; backend: MathBackendCPU; attrs: _FusedMatMulAttrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { a, b, bias, preluActivationWeights } = inputs;
  const { transposeA, transposeB, activation, leakyreluAlpha } = attrs;
  const plan = planMatMul(backend, a, b, transposeA, transposeB);
  if (plan === null) return getKernel(_FusedMatMul, 'cpu')!.kernelFunc(args as never) as TensorInfo;
  // A bias of N values broadcast over rows goes into the GEMM epilogue.
  const biasValues = bias ? f32(backend, bias) : null;
  const rowBias = biasValues !== null && biasValues.length === plan.n && util.sizeFromShape(bias!.shape) === plan.n &&
    bias!.shape.length >= 1 && bias!.shape[bias!.shape.length - 1] === plan.n && bias!.shape.length <= plan.outShape.length;
  const fuseRelu = activation === 'relu' && (!bias || rowBias);
  let current = runMatMul(backend, plan, transposeA, transposeB, {
    bias: rowBias ? biasValues! : undefined,
    activation: fuseRelu ? 'relu' : 'none',
  });
  if (bias && !rowBias) {
    const sum = callKernel('Add', { a: current, b: bias }, backend);
    backend.disposeIntermediateTensorInfo(current);
    current = sum;
  }
  if (activation && activation !== 'linear' && !fuseRelu) {
    const activated = applyActivation(backend, current, activation, preluActivationWeights, leakyreluAlpha);
    backend.disposeIntermediateTensorInfo(current);
    current = activated;
  }
  return current;
}

export const fusedMatMulConfig: KernelConfig = {
  kernelName: _FusedMatMul,
  backendName: BACKEND_NAME,
  kernelFunc: fusedMatMul as unknown as KernelFunc,
};
