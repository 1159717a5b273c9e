/**
 * Floor (dropout's keep mask: floor(uniform + keepProb)) for float32: one
 * Math.floor loop into a pooled output (exact: the floor of a float32 is a
 * float32; NaN, -0 and infinities kept) instead of tfjs's cpu kernel, whose
 * fresh output array of a CNN's dense-layer activations costs more than the
 * arithmetic. tfjs's cpu kernel for other dtypes.
 */
import { Floor, getKernel, type KernelConfig, type KernelFunc, type TensorInfo, type UnaryInputs } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { alloc, BACKEND_NAME, f32, output } from '../backend';

export function floor(args: { inputs: UnaryInputs; backend: MathBackendCPU }): TensorInfo {
  const x = args.inputs.x!;
  const xv = f32(args.backend, x);
  if (xv === null || xv.length === 0) return getKernel(Floor, 'cpu')!.kernelFunc(args as never) as TensorInfo;
  const n = xv.length;
  const out = alloc(args.backend, n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(xv[i]);
  return output(args.backend, x.shape.slice(), out);
}

export const floorConfig: KernelConfig = { kernelName: Floor, backendName: BACKEND_NAME, kernelFunc: floor as unknown as KernelFunc };
