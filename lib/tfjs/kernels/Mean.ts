/**
 * Mean of a float32 tensor over its leading or trailing axes in one pass:
 * tfjs's cpu kernel divides every element by the count (float32), then sums
 * in double (transposing first for leading axes) through three JavaScript
 * kernels and a broadcast division; this does the same arithmetic in the
 * same order (same bits). tfjs's cpu kernel for anything else.
 */
import { getKernel, Mean, type KernelConfig, type KernelFunc, type MeanAttrs, type MeanInputs, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { alloc, BACKEND_NAME, f32, output } from '../backend';
import { reduceAxes } from './reduce';

export function mean(args: { inputs: MeanInputs; backend: MathBackendCPU; attrs: MeanAttrs }): TensorInfo {
  const { backend, attrs } = args;
  const x = args.inputs.x!;
  const xv = f32(backend, x);
  const r = xv === null ? null : reduceAxes(x.shape, attrs.axis, attrs.keepDims);
  if (xv === null || r === null) return getKernel(Mean, 'cpu')!.kernelFunc(args as never) as TensorInfo;
  const count = Math.fround(r.reduceSize);
  const out = alloc(backend, r.outSize);
  const { outSize, reduceSize } = r;
  if (r.leading) {
    for (let i = 0; i < outSize; i++) {
      let s = 0;
      for (let j = i, end = i + reduceSize * outSize; j < end; j += outSize) s += Math.fround(xv[j] / count);
      out[i] = s;
    }
  } else {
    for (let i = 0; i < outSize; i++) {
      let s = 0;
      for (let j = i * reduceSize, end = j + reduceSize; j < end; j++) s += Math.fround(xv[j] / count);
      out[i] = s;
    }
  }
  return output(backend, r.shape, out);
}

export const meanConfig: KernelConfig = { kernelName: Mean, backendName: BACKEND_NAME, kernelFunc: mean as unknown as KernelFunc };

