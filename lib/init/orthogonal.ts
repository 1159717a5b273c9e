/**
 * Orthogonal initialization (Saxe et al., 2014): a random matrix with
 * orthonormal columns (tall or square) or rows (wide), times gain.
 * @packageDocumentation
 */
import { checkOptions } from '../rng';
import { finiteNumber, prepare, type Initializer, type InitOptions } from './common';

/**
 * Q of the QR decomposition of an m x n matrix (m >= n, row-major, double),
 * by Householder reflections, with each column multiplied by the sign of
 * R's diagonal entry so the factorisation is unique (then Q is Haar-uniform
 * when A is Gaussian). Returns Q as m x n, row-major.
 */
export function orthonormalColumns(a: Float64Array, m: number, n: number): Float64Array {
  const vs: Float64Array[] = [];
  const rDiag = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const v = new Float64Array(m - k);
    let norm2 = 0;
    for (let i = k; i < m; i++) {
      v[i - k] = a[i * n + k];
      norm2 += v[i - k] * v[i - k];
    }
    const norm = Math.sqrt(norm2);
    // alpha has the opposite sign of x0, so v = x - alpha e1 does not cancel.
    const alpha = v[0] > 0 ? -norm : norm;
    rDiag[k] = alpha;
    v[0] -= alpha;
    const vNorm2 = norm2 - 2 * alpha * (v[0] + alpha) + alpha * alpha;
    if (vNorm2 > 0) for (let i = 0; i < v.length; i++) v[i] /= Math.sqrt(vNorm2);
    vs.push(v);
    applyReflector(a, n, k, v, k); // A[k:, k:] -= 2 v (vᵀ A[k:, k:])
  }
  // Q = H_0 ... H_{n-1} applied to the first n columns of I, last reflector first.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) applyReflector(q, n, k, vs[k], k);
  for (let j = 0; j < n; j++) {
    if (rDiag[j] < 0) for (let i = 0; i < m; i++) q[i * n + j] = -q[i * n + j];
  }
  return q;
}

// M[row0:, col0:] -= 2 v (vᵀ M[row0:, col0:]) for a row-major matrix with n
// columns; row by row so memory is read in order.
function applyReflector(mat: Float64Array, n: number, row0: number, v: Float64Array, col0: number): void {
  const w = new Float64Array(n - col0);
  for (let i = 0; i < v.length; i++) {
    const vi = v[i], base = (row0 + i) * n + col0;
    if (vi !== 0) for (let j = 0; j < w.length; j++) w[j] += vi * mat[base + j];
  }
  for (let i = 0; i < v.length; i++) {
    const f = 2 * v[i], base = (row0 + i) * n + col0;
    if (f !== 0) for (let j = 0; j < w.length; j++) mat[base + j] -= f * w[j];
  }
}

/**
 * A factory: a (semi-)orthogonal matrix times `gain` (this gain and the call's
 * `gain` option multiply). The shape is flattened to 2-D as PyTorch does:
 * rows = `shape[0]`, cols = product of the rest. Then Wᵀ W = gain² I when
 * rows >= cols, W Wᵀ = gain² I when rows < cols. Computed in double with
 * Householder QR from normal samples (O(rows · cols · min(rows, cols))).
 *
 * @example
 * ```ts
 * const w = orthogonal({ gain: calculateGain('tanh') })([128, 128], { seed: 3 });
 * ```
 * @throws RangeError for a shape of rank < 1 or a non-finite / negative gain.
 */
export function orthogonal(config?: { gain?: number }): Initializer {
  const what = 'orthogonal';
  const c = checkOptions(config, ['gain'], what);
  const baseGain = c.gain === undefined ? 1 : finiteNumber(c.gain, 'gain', what);
  if (baseGain < 0) throw new RangeError(`${what}: 'gain' must be >= 0 (got ${baseGain})`);
  return (shape, options?: InitOptions) => {
    const p = prepare(shape, options, what);
    if (shape.length < 1) throw new RangeError(`${what}: 'shape' must have rank >= 1`);
    const rows = shape[0];
    const cols = rows === 0 ? 0 : p.size / rows;
    if (p.size === 0) return p.out;
    const m = Math.max(rows, cols), n = Math.min(rows, cols);
    const samples = p.source().normal(new Float32Array(p.size));
    // A (m x n) = W when tall, Wᵀ when wide.
    const a = new Float64Array(p.size);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) a[rows >= cols ? i * cols + j : j * rows + i] = samples[i * cols + j];
    }
    const q = orthonormalColumns(a, m, n);
    const g = baseGain * p.gain;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) p.out[i * cols + j] = g * q[rows >= cols ? i * cols + j : j * rows + i];
    }
    return p.out;
  };
}
