/** DepthwiseConv2dNativeBackpropInput: native input gradient (groups = input channels). */
import { backend_util, DepthwiseConv2dNativeBackpropInput, type DepthwiseConv2dNativeBackpropInputAttrs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { BACKEND_NAME } from '../backend';
import { convBackwardInput } from './convolution';

export function depthwiseConv2dNativeBackpropInput(args: { inputs: Record<string, TensorInfo>; backend: MathBackendCPU; attrs: DepthwiseConv2dNativeBackpropInputAttrs }): TensorInfo {
  const { strides, dilations, pad, dimRoundingMode, inputShape } = args.attrs;
  const info = backend_util.computeConv2DInfo(inputShape, args.inputs.filter.shape as never, strides, dilations, pad, dimRoundingMode, true);
  return convBackwardInput(DepthwiseConv2dNativeBackpropInput, args as never, info, true);
}

export const depthwiseConv2dNativeBackpropInputConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput, backendName: BACKEND_NAME, kernelFunc: depthwiseConv2dNativeBackpropInput as unknown as KernelFunc,
};
