/** Conv2DBackpropInput: native input gradient of the NHWC convolution. */
import { backend_util, Conv2DBackpropInput, type Conv2DBackpropInputAttrs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { BACKEND_NAME } from '../backend';
import { convBackwardInput } from './convolution';

export function conv2DBackpropInput(args: { inputs: Record<string, TensorInfo>; backend: MathBackendCPU; attrs: Conv2DBackpropInputAttrs }): TensorInfo {
  const { inputShape, strides, pad, dataFormat, dimRoundingMode } = args.attrs;
  const info = backend_util.computeConv2DInfo(inputShape, args.inputs.filter.shape as never, strides, 1, pad, dimRoundingMode, false,
    backend_util.convertConv2DDataFormat(dataFormat));
  return convBackwardInput(Conv2DBackpropInput, args as never, info, false);
}

export const conv2DBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput, backendName: BACKEND_NAME, kernelFunc: conv2DBackpropInput as unknown as KernelFunc,
};
