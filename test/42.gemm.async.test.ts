import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { matmulAsync, matrix, setNumThreads, sgemmAsync } from 'simdtrain';
import { checkGemm, describeProblem, makeProblem } from './helpers/gemm';
import { supportedIsas } from './helpers/isa';
import { randomFloats } from './helpers/data';
import { setIsa, cpuInfo } from 'simdtrain';

// A callable gc() without --expose-gc on the command line.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('sgemmAsync / matmulAsync', () => {
  it('resolve with the same results as the reference on every ISA and thread count', async () => {
    const best = cpuInfo().best;
    try {
      for (const isa of supportedIsas) {
        setIsa(isa);
        for (const threads of [1, 2]) {
          setNumThreads(threads);
          for (const [i, [m, n, k]] of [[33, 47, 65], [128, 10, 128], [200, 150, 390]].entries()) {
            const p = makeProblem({ m, n, k, ta: i === 1, tb: i === 2, beta: -0.5, pad: 1, bias: true, relu: i === 0, seed: 7 + i });
            const C = Float32Array.from(p.C);
            const result = await sgemmAsync(p.ta, p.tb, m, n, k, p.alpha, p.A, p.lda, p.B, p.ldb, p.beta, C, p.ldc, { bias: p.bias, activation: p.relu ? 'relu' : 'none' });
            expect(result).toBeUndefined();
            expect(checkGemm(p, C), `${isa} ${threads}t ${describeProblem(p)}`).toBe('');
          }
        }
      }
    } finally {
      setIsa(best);
    }
  });

  it('runs off the event loop: timers keep firing while a large product is computed', async () => {
    setNumThreads(1);
    const n = 1024; // ~2 GFLOP: tens of ms even on a fast core
    const a = matrix(n, n, randomFloats(n * n, 1)), b = matrix(n, n, randomFloats(n * n, 2));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    let settled = false;
    const t0 = performance.now();
    const pending = matmulAsync(a, b).then((out) => {
      settled = true;
      return out;
    });
    expect(settled).toBe(false); // nothing ran synchronously
    const out = await pending;
    const elapsed = performance.now() - t0;
    clearInterval(timer);
    // About one tick per ms of work; demand a few, whatever the machine speed.
    expect(ticks).toBeGreaterThanOrEqual(Math.min(3, Math.floor(elapsed / 4)));
    expect(ticks).toBeGreaterThan(0);
    // Spot-check a few elements against a double dot product.
    for (const [i, j] of [[0, 0], [511, 3], [1023, 1023]]) {
      let s = 0, mag = 0;
      for (let q = 0; q < n; q++) {
        s += a.data[i * n + q] * b.data[q * n + j];
        mag += Math.abs(a.data[i * n + q] * b.data[q * n + j]);
      }
      expect(Math.abs(out.data[i * n + j] - s)).toBeLessThanOrEqual(2e-6 * Math.sqrt(n) * mag);
    }
  });

  it('keeps its buffers alive when JS drops every other reference (gc during the work)', async () => {
    const runs: Promise<[Float32Array, number]>[] = [];
    for (let r = 0; r < 4; r++) {
      // Only the promise chain below references C; A and B are referenced by nothing in JS.
      const C = new Float32Array(300 * 300);
      runs.push(sgemmAsync(false, false, 300, 300, 300, 1, new Float32Array(90000).fill(1), 300, new Float32Array(90000).fill(0.5), 300, 0, C, 300).then(() => [C, r]));
      gc();
    }
    for (let i = 0; i < 5; i++) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    for (const [C] of await Promise.all(runs)) expect(C.every((v) => v === 150)).toBe(true);
  });

  it('rejects bad input synchronously (no promise is created)', () => {
    const a = matrix(2, 3), b = matrix(4, 2);
    expect(() => matmulAsync(a, b)).toThrow(/inner dimensions differ/);
    expect(() => sgemmAsync(false, false, 2, 2, 2, 1, new Float32Array(3), 2, new Float32Array(4), 2, 0, new Float32Array(4), 2)).toThrow(/'A' is too short/);
  });
});
