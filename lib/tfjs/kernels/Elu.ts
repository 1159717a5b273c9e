/**
 * Elu for float32: tfjs's cpu expression (x >= 0 ? x : Math.exp(x) - 1, in
 * double, rounded once to float32) in one loop into a pooled output, instead
 * of tfjs's generic unary kernel (a callback per element, a fresh output).
 * Not simdtrain's native exp: its float32 exp would not give tfjs's bits.
 * tfjs's cpu kernel for other dtypes.
 */
import { Elu, type KernelConfig, type KernelFunc, type TensorInfo, type UnaryInputs } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { BACKEND_NAME } from '../backend';
import { unaryF32 } from './unary';

function eluF32(x: Float32Array, y: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    y[i] = v >= 0 ? v : Math.exp(v) - 1;
  }
}

export const elu = (args: { inputs: UnaryInputs; backend: MathBackendCPU }): TensorInfo => unaryF32(Elu, args, eluF32);

export const eluConfig: KernelConfig = { kernelName: Elu, backendName: BACKEND_NAME, kernelFunc: elu as unknown as KernelFunc };
