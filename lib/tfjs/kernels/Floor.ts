/**
 * Floor (dropout's keep mask: floor(uniform + keepProb)) for float32: one
 * Math.floor loop into a pooled output (exact: the floor of a float32 is a
 * float32; NaN, -0 and infinities kept) instead of tfjs's cpu kernel, whose
 * fresh output array of a CNN's dense-layer activations costs more than the
 * arithmetic. tfjs's cpu kernel for other dtypes.
 */
import { Floor, type KernelConfig, type KernelFunc, type TensorInfo, type UnaryInputs } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { BACKEND_NAME } from '../backend';
import { unaryF32 } from './unary';

function floorF32(x: Float32Array, y: Float32Array): void {
  for (let i = 0; i < x.length; i++) y[i] = Math.floor(x[i]);
}

export const floor = (args: { inputs: UnaryInputs; backend: MathBackendCPU }): TensorInfo => unaryF32(Floor, args, floorF32);

export const floorConfig: KernelConfig = { kernelName: Floor, backendName: BACKEND_NAME, kernelFunc: floor as unknown as KernelFunc };
