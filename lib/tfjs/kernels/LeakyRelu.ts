/**
 * LeakyRelu for float32, bit for bit as tfjs's cpu kernel (x < 0 ? alpha * x : x,
 * the product taken in double and rounded once to float32). simdtrain's nn
 * leaky-ReLU (x > 0 ? x : alpha * x in float32) gives the same bits only when
 * alpha is a float32 (then the double product of two float32s is exact and
 * rounds as the float32 one) and positive and finite (-0 and +0 then keep
 * their sign, no Inf * 0); other alphas (tf.layers' default 0.3, tfjs's 0.2
 * are not float32s) take one JavaScript loop into a pooled output. tfjs's cpu
 * kernel for other dtypes.
 */
import { LeakyRelu, type KernelConfig, type KernelFunc, type LeakyReluAttrs, type TensorInfo, type UnaryInputs } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { native } from '../../native';
import { BACKEND_NAME } from '../backend';
import { ACT } from './activations';
import { unaryF32 } from './unary';

function leakyReluF32(x: Float32Array, y: Float32Array, alpha: number): void {
  if (Math.fround(alpha) === alpha && alpha > 0 && alpha < Infinity) {
    native.nnBiasAct(x, 1, x.length, null, y, ACT.leakyRelu, alpha);
    return;
  }
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    y[i] = v < 0 ? alpha * v : v;
  }
}

// (any alpha a caller passes, even not a number, gives tfjs's result: the loop is tfjs's expression)
export const leakyRelu = (args: { inputs: UnaryInputs; backend: MathBackendCPU; attrs: LeakyReluAttrs }): TensorInfo =>
  unaryF32(LeakyRelu, args, (x, y) => leakyReluF32(x, y, args.attrs.alpha));

export const leakyReluConfig: KernelConfig = { kernelName: LeakyRelu, backendName: BACKEND_NAME, kernelFunc: leakyRelu as unknown as KernelFunc };
