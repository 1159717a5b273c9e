/** MaxPoolGrad: the native NHWC pooling kernel (tfjs's cpu kernel when the geometry does not map). */
import { MaxPoolGrad, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { BACKEND_NAME } from '../backend';
import { poolBackward, maxPoolGrad as run } from './pooling';

export const maxPoolGradKernel = (args: { inputs: Record<string, TensorInfo>; backend: MathBackendCPU; attrs: Record<string, unknown> }): TensorInfo =>
  poolBackward(MaxPoolGrad, args, run);

export const maxPoolGradConfig: KernelConfig = { kernelName: MaxPoolGrad, backendName: BACKEND_NAME, kernelFunc: maxPoolGradKernel as unknown as KernelFunc };
