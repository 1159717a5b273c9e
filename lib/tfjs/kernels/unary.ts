/**
 * Shared body of the element-wise float32 kernels that write a pooled output
 * (Floor, Neg, LeakyRelu, Relu6, Elu): tfjs's cpu kernel for other dtypes and
 * empty tensors, else `fill` writes every value of the output.
 * @packageDocumentation
 */
import { getKernel, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { alloc, f32, output } from '../backend';

type Args = { inputs: { x?: TensorInfo }; backend: MathBackendCPU; attrs?: object };

/** y = f(x) with `fill(x, y)` (y arbitrary on entry, same length as x) when x is float32, else tfjs's cpu kernel `kernelName`. */
export function unaryF32(kernelName: string, args: Args, fill: (x: Float32Array, y: Float32Array) => void): TensorInfo {
  const x = args.inputs.x!;
  const xv = f32(args.backend, x);
  if (xv === null || xv.length === 0) return getKernel(kernelName, 'cpu')!.kernelFunc(args as never) as TensorInfo;
  const out = alloc(args.backend, xv.length);
  fill(xv, out);
  return output(args.backend, x.shape.slice(), out);
}
