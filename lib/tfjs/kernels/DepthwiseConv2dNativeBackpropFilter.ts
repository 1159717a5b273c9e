/** DepthwiseConv2dNativeBackpropFilter: native filter gradient (groups = input channels). */
import { backend_util, DepthwiseConv2dNativeBackpropFilter, type DepthwiseConv2dNativeBackpropFilterAttrs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { BACKEND_NAME } from '../backend';
import { convBackwardFilter } from './convolution';

export function depthwiseConv2dNativeBackpropFilter(args: { inputs: Record<string, TensorInfo>; backend: MathBackendCPU; attrs: DepthwiseConv2dNativeBackpropFilterAttrs }): TensorInfo {
  const { strides, dilations, pad, dimRoundingMode, filterShape } = args.attrs;
  const info = backend_util.computeConv2DInfo(args.inputs.x.shape as never, filterShape, strides, dilations, pad, dimRoundingMode, true);
  return convBackwardFilter(DepthwiseConv2dNativeBackpropFilter, args as never, info, true, filterShape);
}

export const depthwiseConv2dNativeBackpropFilterConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter, backendName: BACKEND_NAME, kernelFunc: depthwiseConv2dNativeBackpropFilter as unknown as KernelFunc,
};
