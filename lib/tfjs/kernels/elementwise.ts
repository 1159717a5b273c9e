/**
 * Shared body of the native binary kernels (Add, Sub, Multiply, RealDiv):
 * float32 inputs whose broadcast is "same shape", "one row per column"
 * (a bias) or "one value per row" (a [n, 1] column, a scalar) run the
 * native kernel (ewBinary, exact float ops: the same bits as tfjs's cpu
 * kernel); anything else runs tfjs's cpu kernel.
 * @packageDocumentation
 */
import { backend_util, getKernel, util, type BinaryInputs, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { native } from '../../native';
import { BINARY_MODES, BINARY_OPS } from '../../native_codes';
import { alloc, f32, output } from '../backend';

export const OP = BINARY_OPS;
// a op b computed as b op' a when b is the larger operand.
const SWAPPED: Record<number, number> = { [OP.add]: OP.add, [OP.sub]: OP.rsub, [OP.mul]: OP.mul, [OP.div]: OP.rdiv };
export const MODE = BINARY_MODES;
const { row: ROW, col: COL } = BINARY_MODES;

interface Plan { mode: number; rows: number; cols: number }

/** How `small` broadcasts over `big` (whose shape is the output's), or null. */
function plan(big: readonly number[], small: readonly number[]): Plan | null {
  const size = util.sizeFromShape(big as number[]);
  const smallSize = util.sizeFromShape(small as number[]);
  if (size === 0) return null;
  if (smallSize === 1) return { mode: COL, rows: 1, cols: size };
  if (smallSize === size) return { mode: ROW, rows: 1, cols: size };
  // Align small to big's trailing dims: [..., k, 1...] with ones after k.
  const s = [...new Array(big.length - small.length).fill(1), ...small];
  let last = s.length - 1;
  while (last >= 0 && s[last] === 1) last--;
  let first = last;
  while (first > 0 && s[first - 1] !== 1) first--;
  // small's non-one dims must be one contiguous block equal to big's there.
  for (let i = 0; i < s.length; i++) if ((i < first || i > last) ? s[i] !== 1 : s[i] !== big[i]) return null;
  const inner = util.sizeFromShape(big.slice(last + 1) as number[]);
  const outer = util.sizeFromShape(big.slice(0, first) as number[]);
  if (inner === 1) return { mode: ROW, rows: outer, cols: smallSize };  // small repeats per row
  if (outer === 1) return { mode: COL, rows: smallSize, cols: inner };  // one value per row
  return null;
}

/** Runs `kernelName` natively when the shapes allow, else tfjs's cpu kernel. */
export function binary(kernelName: string, op: number, args: { inputs: BinaryInputs; backend: MathBackendCPU }): TensorInfo {
  const { backend } = args;
  const a = args.inputs.a!, b = args.inputs.b!;
  const av = f32(backend, a), bv = f32(backend, b);
  if (av !== null && bv !== null) {
    const out = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const aIsBig = util.arraysEqual(out, a.shape);
    const p = aIsBig ? plan(out, b.shape) : util.arraysEqual(out, b.shape) ? plan(out, a.shape) : null;
    if (p !== null) {
      const values = alloc(backend, p.rows * p.cols);
      native.ewBinary(aIsBig ? op : SWAPPED[op], p.mode, p.rows, p.cols, aIsBig ? av : bv, aIsBig ? bv : av, values);
      return output(backend, out, values);
    }
  }
  return getKernel(kernelName, 'cpu')!.kernelFunc(args as never) as TensorInfo;
}
