/** AvgPoolGrad: the native NHWC pooling kernel (tfjs's cpu kernel when the geometry does not map). */
import { AvgPoolGrad, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { BACKEND_NAME } from '../backend';
import { poolBackward, avgPoolGrad as run } from './pooling';

export const avgPoolGradKernel = (args: { inputs: Record<string, TensorInfo>; backend: MathBackendCPU; attrs: Record<string, unknown> }): TensorInfo =>
  poolBackward(AvgPoolGrad, args, run);

export const avgPoolGradConfig: KernelConfig = { kernelName: AvgPoolGrad, backendName: BACKEND_NAME, kernelFunc: avgPoolGradKernel as unknown as KernelFunc };
