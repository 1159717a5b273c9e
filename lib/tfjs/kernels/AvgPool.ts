/** AvgPool: the native NHWC pooling kernel (tfjs's cpu kernel when the geometry does not map). */
import { AvgPool, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { BACKEND_NAME } from '../backend';
import { poolForward, avgPool as run } from './pooling';

export const avgPoolKernel = (args: { inputs: Record<string, TensorInfo>; backend: MathBackendCPU; attrs: Record<string, unknown> }): TensorInfo =>
  poolForward(AvgPool, args, run);

export const avgPoolConfig: KernelConfig = { kernelName: AvgPool, backendName: BACKEND_NAME, kernelFunc: avgPoolKernel as unknown as KernelFunc };
