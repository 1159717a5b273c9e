import { describe, expect, it } from 'vitest';
import * as os from 'node:os';
import * as simd from 'simdtrain';

// Asking for far more threads than the machine has must not cost speed:
// the GEMM team stops at the CPU count and the pool's waits stop spinning
// when oversubscribed. Best-of timings, 2 vs 8x-CPU threads interleaved so
// both see the same background load; threshold 0.8 with three attempts
// (a busy shared host can lose one round, not all three).
function bestSeconds(fn: () => void, reps: number): number {
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t = process.hrtime.bigint();
    fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9);
  }
  return best;
}

describe('oversubscription', () => {
  it('8x more threads than CPUs keep at least 0.8x of the CPU-count speed (sgemm and Adam)', () => {
    const cpus = Math.max(2, os.cpus().length);
    const n = 384;
    const a = new Float32Array(n * n).fill(0.5), b = new Float32Array(n * n).fill(0.25), c = new Float32Array(n * n);
    const param = { data: new Float32Array(1 << 20).fill(1), grad: new Float32Array(1 << 20).fill(1e-3), name: 'w' };
    const adam = new simd.Adam([param], { lr: 1e-3 });
    const gemm = () => simd.sgemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n);
    const before = simd.getNumThreads();
    const ratios: number[][] = [];
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        const time = (threads: number) => {
          simd.setNumThreads(threads);
          return [bestSeconds(gemm, 15), bestSeconds(() => adam.step(), 15)];
        };
        let fair = [Infinity, Infinity], over = [Infinity, Infinity];
        for (let round = 0; round < 3; round++) {
          fair = time(cpus).map((s, i) => Math.min(s, fair[i]));
          over = time(8 * cpus).map((s, i) => Math.min(s, over[i]));
        }
        const r = fair.map((s, i) => s / over[i]);
        ratios.push(r);
        if (r.every((x) => x >= 0.8)) break;
      }
    } finally {
      simd.setNumThreads(before);
    }
    // Timings of an AddressSanitizer build (CI's LD_PRELOAD run) say nothing about the
    // pool's speed; there the test checks that 8x oversubscribed runs give the same bits.
    if (/libasan/.test(process.env.LD_PRELOAD ?? '')) {
      simd.setNumThreads(cpus);
      gemm();
      const fairC = Float32Array.from(c);
      simd.setNumThreads(8 * cpus);
      gemm();
      simd.setNumThreads(before);
      expect(Buffer.compare(Buffer.from(c.buffer), Buffer.from(fairC.buffer))).toBe(0);
      return;
    }
    expect(ratios.some((r) => r.every((x) => x >= 0.8)), JSON.stringify(ratios)).toBe(true);
  }, 60000);
});
