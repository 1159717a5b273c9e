/** FusedConv2D: the Conv2D body with the bias add and ReLU fused into the convolution's store; other activations after it. */
import { FusedConv2D, type KernelConfig } from '@tensorflow/tfjs-core';
import { BACKEND_NAME } from '../backend';
import { forwardKernel } from './convolution';

export const fusedConv2DConfig: KernelConfig = { kernelName: FusedConv2D, backendName: BACKEND_NAME, kernelFunc: forwardKernel(FusedConv2D, false) };
