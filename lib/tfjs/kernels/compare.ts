/**
 * Shared body of the comparison kernels (GreaterEqual, LessEqual): float32
 * inputs of the same shape, or one of them a single value, compared in one
 * loop into tfjs's 'bool' storage (a Uint8Array of 0/1, NaN compares false),
 * instead of tfjs's cpu kernels, which locate every element of a broadcast
 * through index arithmetic. Anything else runs tfjs's cpu kernel.
 * @packageDocumentation
 */
import { backend_util, getKernel, util, type BinaryInputs, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { f32 } from '../backend';

export function compare(kernelName: string, op: (a: number, b: number) => boolean, args: { inputs: BinaryInputs; backend: MathBackendCPU }): TensorInfo {
  const { backend } = args;
  const a = args.inputs.a!, b = args.inputs.b!;
  const av = f32(backend, a), bv = f32(backend, b);
  if (av !== null && bv !== null) {
    const shape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const n = util.sizeFromShape(shape);
    const ok = n > 0 && (av.length === n || av.length === 1) && (bv.length === n || bv.length === 1);
    if (ok) {
      const out = new Uint8Array(n);
      if (av.length === n && bv.length === n) for (let i = 0; i < n; i++) out[i] = op(av[i], bv[i]) ? 1 : 0;
      else if (bv.length === 1) { const s = bv[0]; for (let i = 0; i < n; i++) out[i] = op(av[i], s) ? 1 : 0; }
      else { const s = av[0]; for (let i = 0; i < n; i++) out[i] = op(s, bv[i]) ? 1 : 0; }
      return backend.makeTensorInfo(shape, 'bool', out);
    }
  }
  return getKernel(kernelName, 'cpu')!.kernelFunc(args as never) as TensorInfo;
}
