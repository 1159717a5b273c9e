/** MaxPool: the native NHWC pooling kernel (tfjs's cpu kernel when the geometry does not map). */
import { MaxPool, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { BACKEND_NAME } from '../backend';
import { poolForward, maxPool as run } from './pooling';

export const maxPoolKernel = (args: { inputs: Record<string, TensorInfo>; backend: MathBackendCPU; attrs: Record<string, unknown> }): TensorInfo =>
  poolForward(MaxPool, args, run);

export const maxPoolConfig: KernelConfig = { kernelName: MaxPool, backendName: BACKEND_NAME, kernelFunc: maxPoolKernel as unknown as KernelFunc };
