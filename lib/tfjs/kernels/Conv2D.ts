/** Conv2D: native NHWC convolution (direct or im2col + SGEMM; ./convolution.ts). */
import { Conv2D, type KernelConfig } from '@tensorflow/tfjs-core';
import { BACKEND_NAME } from '../backend';
import { forwardKernel } from './convolution';

export const conv2DConfig: KernelConfig = { kernelName: Conv2D, backendName: BACKEND_NAME, kernelFunc: forwardKernel(Conv2D, false) };
