/**
 * Single-precision matrix multiply (GEMM) on row-major `Float32Array`s:
 * packed, register-blocked SIMD kernels (AVX-512, AVX2+FMA, SSE2, NEON,
 * scalar) threaded over the native pool for large problems.
 *
 * Computes `C = act(alpha · op(A) · op(B) + beta · C + bias)`, where `op(X)`
 * is `X` or its transpose, `op(A)` is M×K, `op(B)` is K×N and C is M×N.
 * See docs/gemm.md for the design.
 * @packageDocumentation
 */
import { assertMatrix, type Matrix } from './matrix';
import { native } from './native';

/** Transpose flag: `false`/`'N'` uses the matrix as stored, `true`/`'T'` its transpose. */
export type Transpose = boolean | 'N' | 'T' | 'n' | 't';

/** Activation applied while C is stored. */
export type Activation = 'relu' | 'none';

/**
 * Precision of the products: `'bf16'` rounds A and B to bfloat16 (nearest
 * even) while packing and sums in fp32 (AMX or AVX512-BF16 where the CPU has
 * them, elsewhere the fp32 GEMM on the rounded inputs; see docs/bf16.md for the error bound).
 */
export type Precision = 'fp32' | 'bf16';

/** The fused epilogue: added and applied to C as it is stored. */
export interface GemmEpilogue {
  /** N floats added to every row of C (after alpha/beta). Must not overlap C. */
  bias?: Float32Array;
  /** `'relu'` stores max(x, 0) (NaN stays NaN); default `'none'`. */
  activation?: Activation;
  /** Default `'fp32'`. */
  precision?: Precision;
}

/**
 * BLAS `sgemm` on row-major arrays: `C = alpha·op(A)·op(B) + beta·C`, then the
 * optional epilogue. A is stored K×M when `transA` (else M×K) with row stride
 * `lda`; B is stored N×K when `transB` (else K×N) with row stride `ldb`; C is
 * M×N with row stride `ldc`. Offsets: pass `subarray` views.
 *
 * `beta = 0` never reads C (NaN in C does not leak through); `alpha = 0` or
 * `K = 0` never reads A or B.
 *
 * @throws TypeError for a wrong kind of argument; RangeError (naming the
 * argument) for a bad size, a leading dimension below the row length, an
 * array too short for `(rows-1)·ld + cols`, a bias whose length is not N, or
 * C overlapping A, B or bias. Nothing is written when it throws.
 * @example
 * ```ts
 * // C (2x2) = A (2x3) · B (3x2)
 * const A = new Float32Array([1, 2, 3, 4, 5, 6]);
 * const B = new Float32Array([1, 0, 0, 1, 1, 1]);
 * const C = new Float32Array(4);
 * sgemm(false, false, 2, 2, 3, 1, A, 3, B, 2, 0, C, 2); // C = [4, 5, 10, 11]
 * ```
 */
export function sgemm(
  transA: Transpose, transB: Transpose, M: number, N: number, K: number, alpha: number,
  A: Float32Array, lda: number, B: Float32Array, ldb: number, beta: number, C: Float32Array, ldc: number,
  epilogue?: GemmEpilogue,
): void {
  native.sgemm(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, epilogue);
}

/**
 * {@link sgemm} off the event loop (on libuv's thread pool). Arguments are
 * validated before it returns (so bad input throws synchronously); the arrays
 * are kept alive until the Promise settles. Do not touch C until then.
 */
export function sgemmAsync(
  transA: Transpose, transB: Transpose, M: number, N: number, K: number, alpha: number,
  A: Float32Array, lda: number, B: Float32Array, ldb: number, beta: number, C: Float32Array, ldc: number,
  epilogue?: GemmEpilogue,
): Promise<void> {
  return native.sgemmAsync(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, epilogue);
}

/** Options of {@link matmul}. */
export interface MatmulOptions extends GemmEpilogue {
  /** Use the transpose of `a` (default false). */
  transA?: boolean;
  /** Use the transpose of `b` (default false). */
  transB?: boolean;
  /** Scales the product (default 1). */
  alpha?: number;
  /** Scales the previous contents of `out` (default 0: `out` is not read). */
  beta?: number;
  /** Where to write the M×N result (default: a new zero matrix). */
  out?: Matrix;
}

interface Plan {
  m: number;
  n: number;
  k: number;
  out: Matrix;
}

function plan(a: Matrix, b: Matrix, options: MatmulOptions): Plan {
  assertMatrix(a, 'a');
  assertMatrix(b, 'b');
  if (typeof options !== 'object' || options === null) throw new TypeError(`'options' must be an object`);
  for (const key of ['transA', 'transB'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'boolean') throw new TypeError(`'${key}' must be a boolean`);
  }
  const m = options.transA ? a.cols : a.rows;
  const k = options.transA ? a.rows : a.cols;
  const kb = options.transB ? b.cols : b.rows;
  const n = options.transB ? b.rows : b.cols;
  if (k !== kb) throw new RangeError(`inner dimensions differ: op(a) is ${m}x${k} but op(b) is ${kb}x${n}`);
  let out = options.out;
  if (out === undefined) {
    out = { rows: m, cols: n, data: new Float32Array(m * n) };
  } else {
    assertMatrix(out, 'out');
    if (out.rows !== m || out.cols !== n) throw new RangeError(`'out' must be ${m}x${n} (got ${out.rows}x${out.cols})`);
  }
  return { m, n, k, out };
}

function epilogueOf(options: MatmulOptions): GemmEpilogue | undefined {
  if (options.bias === undefined && options.activation === undefined && options.precision === undefined) return undefined;
  return { bias: options.bias, activation: options.activation, precision: options.precision };
}

/**
 * Matrix product of two {@link Matrix} values:
 * `out = act(alpha·op(a)·op(b) + beta·out + bias)`.
 *
 * @returns `out` (allocated when not given).
 * @throws RangeError when the inner dimensions differ or `out` has the wrong
 * shape; otherwise as {@link sgemm}.
 * @example
 * ```ts
 * import { matmul, matrix } from 'simdtrain';
 * const x = matrix(2, 3, new Float32Array([1, 2, 3, 4, 5, 6]));
 * const w = matrix(3, 2, new Float32Array([1, -1, 0, 1, 1, 0]));
 * const y = matmul(x, w, { bias: new Float32Array([0.5, 0]), activation: 'relu' });
 * // y.data = [4.5, 1, 10.5, 1]
 * ```
 */
export function matmul(a: Matrix, b: Matrix, options: MatmulOptions = {}): Matrix {
  const { m, n, k, out } = plan(a, b, options);
  native.sgemm(!!options.transA, !!options.transB, m, n, k, options.alpha ?? 1, a.data, Math.max(1, a.cols),
    b.data, Math.max(1, b.cols), options.beta ?? 0, out.data, Math.max(1, n), epilogueOf(options));
  return out;
}

/** {@link matmul} off the event loop; resolves to `out`. Validation errors throw synchronously. */
export function matmulAsync(a: Matrix, b: Matrix, options: MatmulOptions = {}): Promise<Matrix> {
  const { m, n, k, out } = plan(a, b, options);
  return native
    .sgemmAsync(!!options.transA, !!options.transB, m, n, k, options.alpha ?? 1, a.data, Math.max(1, a.cols),
      b.data, Math.max(1, b.cols), options.beta ?? 0, out.data, Math.max(1, n), epilogueOf(options))
    .then(() => out);
}
