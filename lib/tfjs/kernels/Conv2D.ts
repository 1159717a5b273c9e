/** Conv2D: native NHWC convolution (im2col + SGEMM). */
import { backend_util, Conv2D, type Conv2DAttrs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { BACKEND_NAME } from '../backend';
import { convForward } from './convolution';

export function conv2D(args: { inputs: Record<string, TensorInfo>; backend: MathBackendCPU; attrs: Conv2DAttrs }): TensorInfo {
  const { x, filter } = args.inputs;
  const { strides, pad, dataFormat, dilations, dimRoundingMode } = args.attrs;
  const info = backend_util.computeConv2DInfo(x.shape as never, filter.shape as never, strides, dilations, pad, dimRoundingMode, false,
    backend_util.convertConv2DDataFormat(dataFormat));
  return convForward(Conv2D, args as never, info, false);
}

export const conv2DConfig: KernelConfig = { kernelName: Conv2D, backendName: BACKEND_NAME, kernelFunc: conv2D as unknown as KernelFunc };
