/**
 * Sum of a float32 tensor over its leading axes (bias gradients:
 * [batch, units] -> [units]) with simdtrain's native column sums, and over
 * its trailing axes with one pass in double (tfjs's cpu kernel transposes
 * first for the former); tfjs's cpu kernel for anything else.
 */
import { backend_util, getKernel, Sum, util, type KernelConfig, type KernelFunc, type SumAttrs, type SumInputs, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { native } from '../../native';
import { alloc, BACKEND_NAME, f32, output } from '../backend';

export function sum(args: { inputs: SumInputs; backend: MathBackendCPU; attrs: SumAttrs }): TensorInfo {
  const { backend, attrs } = args;
  const x = args.inputs.x!;
  const xv = f32(backend, x);
  const rank = x.shape.length;
  const axes = util.parseAxisParam(attrs.axis, x.shape).sort((p, q) => p - q);
  const leading = axes.every((a, i) => a === i);
  const trailing = axes.every((a, i) => a === rank - axes.length + i);
  if (xv === null || axes.length === 0 || xv.length === 0 || (!leading && !trailing)) {
    return getKernel(Sum, 'cpu')!.kernelFunc(args as never) as TensorInfo;
  }
  const [outShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
  const shape = attrs.keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
  const outSize = util.sizeFromShape(outShape);
  const out = alloc(backend, outSize);
  if (leading) {
    native.nnColSums(xv, xv.length / outSize, outSize, out, false);
  } else {
    const n = xv.length / outSize;
    for (let i = 0; i < outSize; i++) {
      let s = 0;
      for (let j = i * n, end = j + n; j < end; j++) s += xv[j];
      out[i] = s;
    }
  }
  return output(backend, shape, out);
}

export const sumConfig: KernelConfig = {
  kernelName: Sum,
  backendName: BACKEND_NAME,
  kernelFunc: sum as unknown as KernelFunc,
};
