/**
 * FusedDepthwiseConv2D: the depthwise body with the bias and activation
 * (tfjs's cpu kernel would call its own depthwise kernel directly).
 */
import { FusedDepthwiseConv2D, type KernelConfig } from '@tensorflow/tfjs-core';
import { BACKEND_NAME } from '../backend';
import { forwardKernel } from './convolution';

export const fusedDepthwiseConv2DConfig: KernelConfig = {
  kernelName: FusedDepthwiseConv2D, backendName: BACKEND_NAME, kernelFunc: forwardKernel(FusedDepthwiseConv2D, true),
};
