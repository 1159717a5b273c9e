/**
 * Softmax over the last axis: simdtrain's fused row softmax (max, exp, sum,
 * scale in one kernel) for finite float32 logits, instead of tfjs's cpu
 * kernel's six kernels (Max, Reshape, Sub, Exp, Sum, RealDiv); tfjs's cpu
 * kernel for anything else (its errors included).
 */
import { getKernel, Softmax, type KernelConfig, type KernelFunc, type SoftmaxAttrs, type SoftmaxInputs, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { BACKEND_NAME } from '../backend';
import { ACT, activation, softmaxAxisOk } from './activations';

export function softmax(args: { inputs: SoftmaxInputs; backend: MathBackendCPU; attrs: SoftmaxAttrs }): TensorInfo {
  if (!softmaxAxisOk(args.inputs.logits!, args.attrs.dim)) return getKernel(Softmax, 'cpu')!.kernelFunc(args as never) as TensorInfo;
  return activation(Softmax, ACT.softmax, args as never, 'logits', true, true);
}

export const softmaxConfig: KernelConfig = { kernelName: Softmax, backendName: BACKEND_NAME, kernelFunc: softmax as unknown as KernelFunc };
