/**
 * Neg: -x for float32 as one native multiply by -1 (ewBinary, exact: -0 and
 * NaN as tfjs); tfjs's cpu kernel (an element-by-element broadcast multiply
 * in JavaScript) for other dtypes.
 */
import { getKernel, Neg, type KernelConfig, type KernelFunc, type TensorInfo, type UnaryInputs } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { native } from '../../native';
import { alloc, BACKEND_NAME, f32, output } from '../backend';
import { MODE, OP } from './elementwise';

const MINUS_ONE = new Float32Array([-1]);

export function neg(args: { inputs: UnaryInputs; backend: MathBackendCPU }): TensorInfo {
  const x = args.inputs.x!;
  const xv = f32(args.backend, x);
  if (xv === null || xv.length === 0) return getKernel(Neg, 'cpu')!.kernelFunc(args as never) as TensorInfo;
  const out = alloc(args.backend, xv.length);
  native.ewBinary(OP.mul, MODE.col, 1, xv.length, xv, MINUS_ONE, out);
  return output(args.backend, x.shape.slice(), out);
}

export const negConfig: KernelConfig = { kernelName: Neg, backendName: BACKEND_NAME, kernelFunc: neg as unknown as KernelFunc };
