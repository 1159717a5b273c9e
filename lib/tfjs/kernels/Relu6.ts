/**
 * Relu6 for float32: tfjs's cpu expression (Math.min(Math.max(0, x), 6): NaN
 * kept, -0 gives +0) in one loop into a pooled output, instead of tfjs's
 * generic unary kernel (a callback per element, a fresh output). tfjs's cpu
 * kernel for other dtypes.
 */
import { Relu6, type KernelConfig, type KernelFunc, type TensorInfo, type UnaryInputs } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { BACKEND_NAME } from '../backend';
import { unaryF32 } from './unary';

function relu6F32(x: Float32Array, y: Float32Array): void {
  for (let i = 0; i < x.length; i++) y[i] = Math.min(Math.max(0, x[i]), 6);
}

export const relu6 = (args: { inputs: UnaryInputs; backend: MathBackendCPU }): TensorInfo => unaryF32(Relu6, args, relu6F32);

export const relu6Config: KernelConfig = { kernelName: Relu6, backendName: BACKEND_NAME, kernelFunc: relu6 as unknown as KernelFunc };
