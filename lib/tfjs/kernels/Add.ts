/**
 * Add: simdtrain's native bias-add (nnBiasAct, linear) when both inputs are
 * float32 and one is the same shape as the output or one row of it (the
 * bias add of every dense layer); tfjs's cpu kernel otherwise.
 */
import { Add, backend_util, getKernel, util, type BinaryInputs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { native } from '../../native';
import { BACKEND_NAME, f32, output } from '../backend';

/** Rows and columns when `small` is `big`'s shape or one broadcast row of it; null otherwise. */
export function rowBroadcast(big: TensorInfo, small: TensorInfo): { rows: number; cols: number } | null {
  const out = backend_util.assertAndGetBroadcastShape(big.shape, small.shape);
  if (!util.arraysEqual(out, big.shape)) return null;
  const size = util.sizeFromShape(big.shape);
  if (size === 0) return null;
  if (util.arraysEqual(big.shape, small.shape)) return { rows: 1, cols: size };
  const cols = big.shape[big.shape.length - 1];
  const smallSize = util.sizeFromShape(small.shape);
  if (small.shape.length === 0 || small.shape[small.shape.length - 1] !== cols || smallSize !== cols) return null;
  return { rows: size / cols, cols };
}

export function add(args: { inputs: BinaryInputs; backend: MathBackendCPU }): TensorInfo {
  const { backend } = args;
  const a = args.inputs.a!, b = args.inputs.b!;
  const av = f32(backend, a), bv = f32(backend, b);
  if (av !== null && bv !== null) {
    const [big, small, bigV, smallV] = util.sizeFromShape(a.shape) >= util.sizeFromShape(b.shape) ? [a, b, av, bv] : [b, a, bv, av];
    const rc = rowBroadcast(big, small);
    if (rc !== null) {
      const out = new Float32Array(rc.rows * rc.cols);
      native.nnBiasAct(bigV, rc.rows, rc.cols, smallV, out, 0, 0);
      return output(backend, big.shape.slice(), out);
    }
  }
  return getKernel(Add, 'cpu')!.kernelFunc(args as never) as TensorInfo;
}

export const addConfig: KernelConfig = {
  kernelName: Add,
  backendName: BACKEND_NAME,
  kernelFunc: add as unknown as KernelFunc,
};
