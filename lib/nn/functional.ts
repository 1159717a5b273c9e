/**
 * The nn kernels as plain functions on {@link Matrix} values (what the
 * layers use, exposed for custom layers and tests). Each validates its
 * arguments natively (TypeError/RangeError naming the argument, nothing
 * written on error) and runs the SIMD kernel of the active ISA.
 * @packageDocumentation
 */
import { native } from '../native';
import { ACTIVATION_CODES, checkActivation, type ActivationName } from './activations';
import { checkMatrix, type Matrix } from './types';

/**
 * `out[r, j] = act(x[r, j] + bias[j])` (bias optional; `out` may be `x`).
 * Softmax normalizes each row. `alpha` is leakyRelu's slope (default 0.01).
 */
export function biasActivation(x: Matrix, bias: Float32Array | null, activation: ActivationName, out: Matrix, alpha = 0.01): void {
  checkMatrix(x, 'x');
  checkMatrix(out, 'out');
  const act = ACTIVATION_CODES[checkActivation(activation, "'activation'")];
  if (out.rows !== x.rows || out.cols !== x.cols) throw new RangeError(`'out' must be ${x.rows}x${x.cols} (got ${out.rows}x${out.cols})`);
  native.nnBiasAct(x.data, x.rows, x.cols, bias, out.data, act, alpha);
}

/**
 * `dx = dy * act'(x)` given the pre-activation `x` (needed for leakyRelu
 * and gelu, else may be null) and the output `y`; softmax uses the row
 * Jacobian `y * (dy - Σ dy·y)`. `dx` may be `dy`.
 */
export function activationBackward(x: Matrix | null, y: Matrix, dy: Matrix, activation: ActivationName, dx: Matrix, alpha = 0.01): void {
  if (x !== null) checkMatrix(x, 'x');
  checkMatrix(y, 'y');
  checkMatrix(dy, 'dy');
  checkMatrix(dx, 'dx');
  const act = ACTIVATION_CODES[checkActivation(activation, "'activation'")];
  native.nnActBackward(x ? x.data : null, y.data, dy.data, dx.data, y.rows, y.cols, act, alpha);
}

/** `out[j] = Σ_r x[r, j]` (plus the old `out[j]` with `accumulate`): bias gradients. */
export function columnSums(x: Matrix, out: Float32Array, accumulate = false): void {
  checkMatrix(x, 'x');
  native.nnColSums(x.data, x.rows, x.cols, out, accumulate);
}

/** True when no element is NaN or ±Infinity. */
export function allFinite(x: Float32Array): boolean {
  return native.nnAllFinite(x);
}
