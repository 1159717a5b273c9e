/**
 * Neg: -x for float32 as one native multiply by -1 (ewBinary, exact: -0 and
 * NaN as tfjs); tfjs's cpu kernel (an element-by-element broadcast multiply
 * in JavaScript) for other dtypes.
 */
import { Neg, type KernelConfig, type KernelFunc, type TensorInfo, type UnaryInputs } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { native } from '../../native';
import { BACKEND_NAME } from '../backend';
import { MODE, OP } from './elementwise';
import { unaryF32 } from './unary';

const MINUS_ONE = new Float32Array([-1]);

function negF32(x: Float32Array, y: Float32Array): void {
  native.ewBinary(OP.mul, MODE.col, 1, x.length, x, MINUS_ONE, y);
}

export const neg = (args: { inputs: UnaryInputs; backend: MathBackendCPU }): TensorInfo => unaryF32(Neg, args, negF32);

export const negConfig: KernelConfig = { kernelName: Neg, backendName: BACKEND_NAME, kernelFunc: neg as unknown as KernelFunc };
