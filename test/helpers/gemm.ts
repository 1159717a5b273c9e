// GEMM test helpers: random problems with padded leading dimensions, a
// double-precision reference, and the OpenBLAS-like error bound
//   |C - C_ref| <= 2e-6 * sqrt(K) * (|alpha| sum|a||b| + |beta||C0| + |bias|).
import { randomFloats } from './data';

export interface GemmProblem {
  ta: boolean;
  tb: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  beta: number;
  lda: number;
  ldb: number;
  ldc: number;
  A: Float32Array;
  B: Float32Array;
  C: Float32Array; // the input C (copy it before running the GEMM)
  bias?: Float32Array;
  relu: boolean;
}

export interface ProblemSpec {
  ta?: boolean;
  tb?: boolean;
  m: number;
  n: number;
  k: number;
  alpha?: number;
  beta?: number;
  pad?: number;
  bias?: boolean;
  relu?: boolean;
  nanC?: boolean;
  seed?: number;
}

export function makeProblem(s: ProblemSpec): GemmProblem {
  const ta = !!s.ta, tb = !!s.tb, pad = s.pad ?? 0, seed = s.seed ?? 1;
  const aRows = ta ? s.k : s.m, aCols = ta ? s.m : s.k;
  const bRows = tb ? s.n : s.k, bCols = tb ? s.k : s.n;
  const lda = Math.max(1, aCols + pad), ldb = Math.max(1, bCols + pad), ldc = Math.max(1, s.n + pad);
  const C = randomFloats(s.m * ldc, seed * 7 + 2);
  if (s.nanC) C.fill(NaN);
  return {
    ta, tb, m: s.m, n: s.n, k: s.k, alpha: s.alpha ?? 1, beta: s.beta ?? 0, lda, ldb, ldc,
    A: randomFloats(aRows * lda, seed), B: randomFloats(bRows * ldb, seed * 3 + 1), C,
    bias: s.bias ? randomFloats(s.n, seed * 11 + 3) : undefined, relu: !!s.relu,
  };
}

/** A different bound for {@link checkGemm} (the bf16 GEMM's). */
export interface GemmBound {
  /** Applied to every element of A and B before the double reference (default: none). */
  round?: (x: number) => number;
  /** The relative tolerance on |alpha| sum|a||b| + |beta C0| + |bias| (default 2e-6 sqrt(K)). */
  scale: number;
}

/**
 * Compares `got` (the C after the GEMM) with the double reference of `p`.
 * Returns '' when every element is within the bound and the padding between
 * rows is untouched, else a description of the first problem.
 */
export function checkGemm(p: GemmProblem, got: Float32Array, bound?: GemmBound): string {
  const { ta, tb, m, n, k, alpha, beta, lda, ldb, ldc, A, B, C, bias } = p;
  const scale = bound ? bound.scale : 2e-6 * Math.sqrt(Math.max(1, k));
  const round = bound?.round ?? ((x: number) => x);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < ldc; j++) {
      const idx = i * ldc + j;
      if (j >= n) {
        if (!Object.is(got[idx], C[idx])) return `padding C[${i},${j}] changed`;
        continue;
      }
      let sum = 0, mag = 0;
      if (alpha !== 0) {
        for (let q = 0; q < k; q++) {
          const a = round(ta ? A[q * lda + i] : A[i * lda + q]);
          const b = round(tb ? B[j * ldb + q] : B[q * ldb + j]);
          sum += a * b;
          mag += Math.abs(a * b);
        }
      }
      let want = alpha * sum;
      mag *= Math.abs(alpha);
      if (beta !== 0) {
        want += beta * C[idx];
        mag += Math.abs(beta * C[idx]);
      }
      if (bias) {
        want += bias[j];
        mag += Math.abs(bias[j]);
      }
      if (p.relu && want < 0) want = 0;
      const err = Math.abs(got[idx] - want);
      if (!(err <= scale * mag)) return `C[${i},${j}] = ${got[idx]}, reference ${want} (tolerance ${scale * mag})`;
    }
  }
  return '';
}

export function describeProblem(p: GemmProblem): string {
  return `${p.ta ? 'T' : 'N'}${p.tb ? 'T' : 'N'} ${p.m}x${p.n}x${p.k} alpha=${p.alpha} beta=${p.beta} ld=${p.lda},${p.ldb},${p.ldc}${p.bias ? ' bias' : ''}${p.relu ? ' relu' : ''}`;
}
