/** DepthwiseConv2dNative: the native convolution with groups = input channels (tfjs's [kh, kw, in, multiplier] filter). */
import { backend_util, DepthwiseConv2dNative, type DepthwiseConv2dNativeAttrs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { BACKEND_NAME } from '../backend';
import { convForward } from './convolution';

export function depthwiseConv2dNative(args: { inputs: Record<string, TensorInfo>; backend: MathBackendCPU; attrs: DepthwiseConv2dNativeAttrs }): TensorInfo {
  const { x, filter } = args.inputs;
  const { strides, pad, dilations, dimRoundingMode } = args.attrs;
  const info = backend_util.computeConv2DInfo(x.shape as never, filter.shape as never, strides, dilations ?? 1, pad, dimRoundingMode, true);
  return convForward(DepthwiseConv2dNative, args as never, info, true);
}

export const depthwiseConv2dNativeConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNative, backendName: BACKEND_NAME, kernelFunc: depthwiseConv2dNative as unknown as KernelFunc,
};
