/** Tanh: simdtrain's nn tanh for finite float32 inputs, tfjs's cpu kernel otherwise. */
import { Tanh, type KernelConfig, type KernelFunc, type TensorInfo, type UnaryInputs } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { BACKEND_NAME } from '../backend';
import { ACT, activation } from './activations';

export const tanh = (args: { inputs: UnaryInputs; backend: MathBackendCPU }): TensorInfo => activation(Tanh, ACT.tanh, args, 'x', true);

export const tanhConfig: KernelConfig = { kernelName: Tanh, backendName: BACKEND_NAME, kernelFunc: tanh as unknown as KernelFunc };
