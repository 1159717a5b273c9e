import { describe, expect, it } from 'vitest';
import { setNumThreads, sgemm } from 'simdtrain';
import { checkGemm, describeProblem, makeProblem, type ProblemSpec } from './helpers/gemm';
import { withEachIsa } from './helpers/isa';

function run(spec: ProblemSpec): string {
  const p = makeProblem(spec);
  const C = Float32Array.from(p.C);
  sgemm(p.ta, p.tb, p.m, p.n, p.k, p.alpha, p.A, p.lda, p.B, p.ldb, p.beta, C, p.ldc,
    p.bias || p.relu ? { bias: p.bias, activation: p.relu ? 'relu' : 'none' } : undefined);
  const err = checkGemm(p, C);
  return err && `${describeProblem(p)}: ${err}`;
}

// Small shapes (0, 1, primes), every transpose pair, alpha/beta in {0, 1, -0.5}.
const SMALL: ProblemSpec[] = [];
{
  const sizes = [0, 1, 2, 3, 7, 13, 17, 33];
  const scalars = [0, 1, -0.5];
  let i = 0;
  for (const m of sizes) {
    for (const n of sizes) {
      const k = [0, 1, 5, 31][i % 4];
      const beta = scalars[Math.floor(i / 3) % 3];
      SMALL.push({ m, n, k, ta: (i & 1) === 1, tb: (i & 2) === 2, alpha: scalars[i % 3], beta, pad: i % 3, nanC: beta === 0 && i % 2 === 1, bias: i % 4 === 1, relu: i % 5 === 2, seed: i + 1 });
      i++;
    }
  }
}

// Just off the block sizes of every ISA's table (MR 4/6/8/14, NR 3/8/12/16/32,
// KC 256/384, MC 1008/1024, NC 320/640/1020/1024), primes, MLP shapes.
const EDGES: [number, number, number][] = [
  [13, 31, 383], [14, 32, 384], [15, 33, 385], [5, 7, 255], [7, 17, 257], [9, 11, 40],
  [1007, 33, 9], [1009, 17, 5], [1025, 9, 3], [29, 319, 11], [29, 321, 12], [7, 641, 6], [3, 1021, 4],
  [61, 67, 71], [128, 10, 128], [128, 128, 10], [5, 65, 769],
  // Above the 8 M multiply-add threading threshold: split over M, then over N.
  [301, 263, 129], [131, 517, 130],
];

describe.each([1, 2])('sgemm matches the double reference (%i threads)', (threads) => {
  it('small shapes, every transpose pair, alpha/beta, NaN in C with beta = 0, epilogue, every ISA', () => {
    setNumThreads(threads);
    const failures: string[] = [];
    withEachIsa((isa) => {
      for (const spec of SMALL) {
        const err = run(spec);
        if (err) failures.push(`${isa}: ${err}`);
      }
    });
    expect(failures).toEqual([]);
  });

  it('shapes just off every block size, padded leading dimensions, every ISA', () => {
    setNumThreads(threads);
    const failures: string[] = [];
    withEachIsa((isa) => {
      EDGES.forEach(([m, n, k], i) => {
        const err = run({ m, n, k, ta: (i & 1) === 1, tb: (i & 2) === 2, pad: 1 + (i % 3), alpha: i % 2 ? -0.5 : 1, beta: i % 3 ? -0.5 : 0, nanC: i % 3 === 0, bias: i % 2 === 0, relu: i % 4 === 0, seed: 50 + i });
        if (err) failures.push(`${isa}: ${err}`);
      });
    });
    expect(failures).toEqual([]);
  });
});

describe('sgemm semantics', () => {
  it('beta = 0 never reads C: NaN and Infinity in C do not leak', () => {
    withEachIsa((isa) => {
      for (const k of [0, 3, 400]) {
        const A = new Float32Array(5 * k).fill(1), B = new Float32Array(k * 40).fill(2);
        const C = new Float32Array(5 * 40).fill(NaN);
        C[7] = Infinity;
        sgemm(false, false, 5, 40, k, 1, A, Math.max(1, k), B, 40, 0, C, 40);
        expect(C.every((v) => v === 2 * k), `${isa} k=${k}`).toBe(true);
      }
    });
  });

  it('alpha = 0 never reads A or B (NaN there does not leak), C = beta * C', () => {
    withEachIsa(() => {
      const A = new Float32Array(6).fill(NaN), B = new Float32Array(6).fill(NaN);
      const C = new Float32Array([1, 2, 3, 4]);
      sgemm(false, false, 2, 2, 3, 0, A, 3, B, 2, -0.5, C, 2);
      expect(Array.from(C)).toEqual([-0.5, -1, -1.5, -2]);
    });
  });

  it('ReLU keeps NaN (a NaN product is not hidden as 0) and clamps negatives', () => {
    withEachIsa((isa) => {
      const A = new Float32Array([1, NaN, -1, -2]); // 2x2
      const B = new Float32Array([1, 0, 0, 1]);
      const C = new Float32Array(4);
      sgemm(false, false, 2, 2, 2, 1, A, 2, B, 2, 0, C, 2, { activation: 'relu' });
      expect(Number.isNaN(C[0]) && Number.isNaN(C[1]), isa).toBe(true);
      expect(Array.from(C.subarray(2))).toEqual([0, 0]);
    });
  });

  it("transpose flags accept 'N'/'T' strings like booleans", () => {
    const p = makeProblem({ m: 9, n: 21, k: 17, ta: true, tb: true, seed: 3 });
    const C1 = new Float32Array(p.C.length), C2 = new Float32Array(p.C.length);
    sgemm(true, true, p.m, p.n, p.k, 1, p.A, p.lda, p.B, p.ldb, 0, C1, p.ldc);
    sgemm('T', 't', p.m, p.n, p.k, 1, p.A, p.lda, p.B, p.ldb, 0, C2, p.ldc);
    expect(Array.from(C2)).toEqual(Array.from(C1));
    expect(checkGemm(p, C1)).toBe('');
  });

  it('subarray views at odd offsets are read and written in place', () => {
    const p = makeProblem({ m: 17, n: 35, k: 19, pad: 2, seed: 9 });
    const bigA = new Float32Array(p.A.length + 3), bigB = new Float32Array(p.B.length + 5), bigC = new Float32Array(p.C.length + 7).fill(-3);
    bigA.set(p.A, 1);
    bigB.set(p.B, 3);
    bigC.set(p.C, 5);
    const C = bigC.subarray(5, 5 + p.C.length);
    sgemm(false, false, p.m, p.n, p.k, 1, bigA.subarray(1), p.lda, bigB.subarray(3), p.ldb, 0, C, p.ldc);
    expect(checkGemm(p, C)).toBe('');
    expect(Array.from(bigC.subarray(0, 5)).concat(Array.from(bigC.subarray(5 + p.C.length)))).toEqual(Array(7).fill(-3));
  });
});
