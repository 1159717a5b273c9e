/** Relu: simdtrain's nn ReLU (Math.max(0, x): NaN kept, -0 gives +0) for float32, tfjs's cpu kernel otherwise. */
import { Relu, type KernelConfig, type KernelFunc, type TensorInfo, type UnaryInputs } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { BACKEND_NAME } from '../backend';
import { ACT, activation } from './activations';

export const relu = (args: { inputs: UnaryInputs; backend: MathBackendCPU }): TensorInfo => activation(Relu, ACT.relu, args, 'x', false);

export const reluConfig: KernelConfig = { kernelName: Relu, backendName: BACKEND_NAME, kernelFunc: relu as unknown as KernelFunc };
