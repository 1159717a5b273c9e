/**
 * The activation step of the fused kernels (_FusedMatMul, FusedConv2D),
 * run through the simdtrain backend's registry, with tfjs's semantics.
 * @packageDocumentation
 */
import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { callKernel } from './call';

export function applyActivation(backend: MathBackendCPU, x: TensorInfo, activation: backend_util.Activation,
  preluActivationWeights?: TensorInfo | null, leakyreluAlpha?: number): TensorInfo {
  switch (activation) {
    case 'linear': return callKernel('Identity', { x }, backend);
    case 'relu': return callKernel('Relu', { x }, backend);
    case 'elu': return callKernel('Elu', { x }, backend);
    case 'relu6': return callKernel('Relu6', { x }, backend);
    case 'prelu': return callKernel('Prelu', { x, alpha: preluActivationWeights! }, backend);
    case 'leakyrelu': return callKernel('LeakyRelu', { x }, backend, { alpha: leakyreluAlpha as number });
    case 'sigmoid': return callKernel('Sigmoid', { x }, backend);
    default: throw new Error(`Activation ${activation} has not been implemented for the simdtrain backend.`);
  }
}
