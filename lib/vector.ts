/**
 * BLAS level-1 style primitives on `Float32Array`s, SIMD-accelerated and
 * multi-threaded for large arrays. Every function accepts `subarray` views.
 *
 * Reductions accumulate in float32 SIMD lanes within 64 Ki-element blocks and
 * add the blocks in double, in order: the result does not depend on the
 * thread count.
 * @packageDocumentation
 */
import { native } from './native';

/** `out[i] = value` for every element. */
export function fill(out: Float32Array, value: number): void {
  native.fill(out, value);
}

/** `x[i] *= alpha` in place. */
export function scale(x: Float32Array, alpha: number): void {
  native.scale(x, alpha);
}

/**
 * `y[i] += alpha * x[i]` (BLAS `saxpy`). `x` and `y` must have the same
 * length; `y` may be `x` itself but must not partially overlap it.
 */
export function axpy(alpha: number, x: Float32Array, y: Float32Array): void {
  native.axpy(alpha, x, y);
}

/** `Σ x[i]·y[i]` (BLAS `sdot`), returned as a double. */
export function dot(x: Float32Array, y: Float32Array): number {
  return native.dot(x, y);
}

/** `Σ x[i]`, returned as a double. */
export function sum(x: Float32Array): number {
  return native.sum(x);
}

/** `Σ x[i]²`, returned as a double (the squared L2 norm). */
export function sumOfSquares(x: Float32Array): number {
  return native.sumOfSquares(x);
}
