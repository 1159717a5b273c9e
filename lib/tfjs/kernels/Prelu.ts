/**
 * Prelu for float32 x and alpha where alpha repeats along x (alpha's shape,
 * leading 1s dropped, is a suffix of x's shape: per-channel or same-shape
 * alphas, as tf.layers.prelu makes them): tfjs's cpu expression
 * (x < 0 ? alpha * x : x; the double product of two float32s rounds as the
 * float32 one) in one loop into a pooled output. tfjs's cpu kernel for other
 * broadcasts and dtypes.
 */
import { getKernel, Prelu, type KernelConfig, type KernelFunc, type PreluInputs, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { alloc, BACKEND_NAME, f32, output } from '../backend';

/** Whether alpha's shape (leading 1s dropped) is a suffix of x's shape. */
function repeatsAlong(xShape: number[], aShape: number[]): boolean {
  let lead = 0;
  while (lead < aShape.length && aShape[lead] === 1) lead++;
  const tail = aShape.length - lead;
  if (aShape.length > xShape.length) return false;
  for (let k = 1; k <= tail; k++) if (aShape[aShape.length - k] !== xShape[xShape.length - k]) return false;
  return true;
}

export function prelu(args: { inputs: PreluInputs; backend: MathBackendCPU }): TensorInfo {
  const x = args.inputs.x!;
  const a = args.inputs.alpha!;
  const xv = f32(args.backend, x);
  const av = f32(args.backend, a);
  if (xv === null || av === null || xv.length === 0 || av.length === 0 || !repeatsAlong(x.shape, a.shape)) {
    return getKernel(Prelu, 'cpu')!.kernelFunc(args as never) as TensorInfo;
  }
  const n = xv.length;
  const m = av.length;
  const out = alloc(args.backend, n);
  for (let i = 0, j = 0; i < n; i++, j = j + 1 === m ? 0 : j + 1) {
    const v = xv[i];
    out[i] = v < 0 ? av[j] * v : v;
  }
  return output(args.backend, x.shape.slice(), out);
}

export const preluConfig: KernelConfig = { kernelName: Prelu, backendName: BACKEND_NAME, kernelFunc: prelu as unknown as KernelFunc };
