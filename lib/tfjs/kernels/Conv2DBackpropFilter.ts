/** Conv2DBackpropFilter: native filter gradient of the NHWC convolution. */
import { backend_util, Conv2DBackpropFilter, type Conv2DBackpropFilterAttrs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { BACKEND_NAME } from '../backend';
import { convBackwardFilter } from './convolution';

export function conv2DBackpropFilter(args: { inputs: Record<string, TensorInfo>; backend: MathBackendCPU; attrs: Conv2DBackpropFilterAttrs }): TensorInfo {
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs;
  const info = backend_util.computeConv2DInfo(args.inputs.x.shape as never, filterShape, strides, 1, pad, dimRoundingMode, false,
    backend_util.convertConv2DDataFormat(dataFormat));
  return convBackwardFilter(Conv2DBackpropFilter, args as never, info, false, filterShape);
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter, backendName: BACKEND_NAME, kernelFunc: conv2DBackpropFilter as unknown as KernelFunc,
};
