import { describe, expect, it } from 'vitest';
import { cpuInfo, fmaPeakGflops, getNumThreads, setIsa, setNumThreads, sgemm } from 'simdtrain';

// The probe is what benchmarks divide by, so it must be a real ceiling: wider
// vectors give proportionally more, and no GEMM on the same ISA exceeds it.
describe('fmaPeakGflops', () => {
  it('grows with the vector width of the forced ISA', () => {
    const { supported, best } = cpuInfo();
    const peaks: Record<string, number> = {};
    try {
      // Interleaved rounds, best per ISA: a busy machine slows one round, not all of them.
      for (let round = 0; round < 3; round++) {
        for (const isa of supported) {
          setIsa(isa);
          const g = fmaPeakGflops({ threads: 1, seconds: 0.1 });
          expect(g).toBeGreaterThan(0);
          peaks[isa] = Math.max(peaks[isa] ?? 0, g);
        }
      }
    } finally {
      setIsa(best);
    }
    // An ASan/UBSan build (CI's LD_PRELOAD run) instruments the probe's loop, so its
    // timings say nothing about vector width; the numbers above were still checked.
    if (/libasan/.test(process.env.LD_PRELOAD ?? '')) return;
    // 4, 8, 16 lanes against 1: the wide paths must be several times the scalar one.
    if (peaks.sse2) expect(peaks.sse2).toBeGreaterThan(2 * peaks.scalar);
    if (peaks.avx2) expect(peaks.avx2).toBeGreaterThan(1.5 * peaks.sse2);
    if (peaks.avx512) expect(peaks.avx512).toBeGreaterThan(4 * peaks.scalar);
  });

  it('is an upper bound for sgemm on the same ISA and thread', () => {
    const before = getNumThreads();
    setNumThreads(1);
    try {
      const n = 384;
      const a = new Float32Array(n * n).fill(0.5), b = new Float32Array(n * n).fill(0.25), c = new Float32Array(n * n);
      let best = 0;
      for (let round = 0; round < 5; round++) {
        const t0 = process.hrtime.bigint();
        sgemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n);
        const s = Number(process.hrtime.bigint() - t0) / 1e9;
        best = Math.max(best, (2 * n * n * n) / s / 1e9);
      }
      expect(c[0]).toBe(0.125 * n);
      const peak = fmaPeakGflops({ threads: 1, seconds: 0.2 });
      // 10% slack for timer noise between the two measurements.
      expect(best).toBeLessThan(1.1 * peak);
    } finally {
      setNumThreads(before);
    }
  });

  it('rejects bad threads and seconds with a RangeError naming the argument', () => {
    expect(() => fmaPeakGflops({ threads: 0 })).toThrow(/'threads'/);
    expect(() => fmaPeakGflops({ threads: 1.5 })).toThrow(RangeError);
    expect(() => fmaPeakGflops({ seconds: 0 })).toThrow(/'seconds'/);
    expect(() => fmaPeakGflops({ seconds: 5 })).toThrow(RangeError);
    expect(() => fmaPeakGflops({ seconds: 'x' as never })).toThrow(TypeError);
  });
});
