/**
 * Shared body of the native activation kernels (Relu, Sigmoid, Tanh,
 * Softmax): simdtrain's nn activation kernels (nnBiasAct without a bias, the
 * ones its own layers run) on float32 tensors. Sigmoid, Tanh and Softmax take
 * tfjs's cpu kernel for inputs with a NaN or an infinity (one finiteness pass),
 * so those keep tfjs's exact special-value behaviour; Relu needs no such check
 * (NaN stays NaN, -0 gives +0, as tfjs's Math.max(0, x)).
 * @packageDocumentation
 */
import { getKernel, util, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { native } from '../../native';
import { ACT_CODES } from '../../native_codes';
import { alloc, f32, output } from '../backend';

export const ACT = ACT_CODES;

type Args = { inputs: Record<string, TensorInfo | undefined>; backend: MathBackendCPU; attrs?: Record<string, unknown> };

/**
 * y = act(x) over rows of `cols` values (cols: the last dimension for
 * Softmax, the whole tensor otherwise), natively when x is float32, else
 * tfjs's cpu kernel `kernelName`.
 */
export function activation(kernelName: string, act: number, args: Args, input: string, checkFinite: boolean, perRow = false): TensorInfo {
  const { backend } = args;
  const x = args.inputs[input]!;
  const xv = f32(backend, x);
  const n = xv === null ? 0 : xv.length;
  if (xv === null || n === 0 || (checkFinite && !native.nnAllFinite(xv))) {
    return getKernel(kernelName, 'cpu')!.kernelFunc(args as never) as TensorInfo;
  }
  const cols = perRow ? x.shape[x.shape.length - 1] : n;
  const y = alloc(backend, n);
  native.nnBiasAct(xv, n / cols, cols, null, y, act, 0);
  return output(backend, x.shape.slice(), y);
}

/** Softmax's axis check, as tfjs's cpu kernel (only the last axis). */
export function softmaxAxisOk(logits: TensorInfo, dim: number): boolean {
  const rank = logits.shape.length;
  return rank > 0 && (dim === -1 || dim === rank - 1) && util.sizeFromShape(logits.shape) > 0;
}
