/** Sigmoid: simdtrain's nn sigmoid for finite float32 inputs, tfjs's cpu kernel otherwise. */
import { Sigmoid, type KernelConfig, type KernelFunc, type TensorInfo, type UnaryInputs } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { BACKEND_NAME } from '../backend';
import { ACT, activation } from './activations';

export const sigmoid = (args: { inputs: UnaryInputs; backend: MathBackendCPU }): TensorInfo => activation(Sigmoid, ACT.sigmoid, args, 'x', true);

export const sigmoidConfig: KernelConfig = { kernelName: Sigmoid, backendName: BACKEND_NAME, kernelFunc: sigmoid as unknown as KernelFunc };
