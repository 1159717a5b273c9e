/** DepthwiseConv2dNative: the native convolution with groups = input channels (tfjs's [kh, kw, in, multiplier] filter). */
import { DepthwiseConv2dNative, type KernelConfig } from '@tensorflow/tfjs-core';
import { BACKEND_NAME } from '../backend';
import { forwardKernel } from './convolution';

export const depthwiseConv2dNativeConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNative, backendName: BACKEND_NAME, kernelFunc: forwardKernel(DepthwiseConv2dNative, true),
};
