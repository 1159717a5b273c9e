// Distribution checks on 1e6 samples: moments within ~5 standard errors,
// bounds, and a Kolmogorov–Smirnov test (alpha = 0.001) against the exact CDF.
import { describe, expect, it } from 'vitest';
import { rng } from 'simdtrain';
import {
  erf, gaussianCdf, ksCritical, ksStatistic, moments, normalCdf, truncatedCdf, truncatedMoments, uniformCdf,
} from './helpers/stats';

const N = 1_000_000;
const crit = ksCritical(N);

describe('test statistics are themselves right', () => {
  it('erf matches known values and symmetry', () => {
    expect(erf(0)).toBe(0);
    expect(erf(1)).toBeCloseTo(0.8427007929497149, 15);
    expect(erf(-2)).toBeCloseTo(-0.9953222650189527, 15);
    expect(erf(4)).toBeCloseTo(1 - 1.541725790028002e-8, 15);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
  });

  it('the KS test rejects a slightly wrong distribution (so it can fail)', () => {
    const x = rng.normal(new Float32Array(N), { seed: 11 });
    expect(ksStatistic(x, gaussianCdf(0, 1.02))).toBeGreaterThan(crit);
    expect(ksStatistic(x, gaussianCdf(0.005, 1))).toBeGreaterThan(crit);
    const u = rng.uniform(new Float32Array(N), { seed: 11 });
    expect(ksStatistic(u, uniformCdf(0, 1.005))).toBeGreaterThan(crit);
  });
});

describe('uniform', () => {
  for (const [low, high] of [[0, 1], [-3, 0.5], [10, 10.25]]) {
    it(`U[${low}, ${high}): moments, bounds, KS`, () => {
      const x = rng.uniform(new Float32Array(N), { low, high, seed: 1234 });
      const m = moments(x);
      const w = high - low;
      const variance = (w * w) / 12;
      expect(Math.abs(m.mean - (low + high) / 2)).toBeLessThan(5 * Math.sqrt(variance / N));
      expect(Math.abs(m.variance - variance)).toBeLessThan(5 * variance * Math.sqrt(0.8 / N));
      expect(m.min).toBeGreaterThanOrEqual(Math.fround(low));
      expect(m.max).toBeLessThan(Math.fround(high));
      expect(ksStatistic(x, uniformCdf(low, high))).toBeLessThan(crit);
    });
  }

  it('never returns high, even where low + (high - low)·u rounds up to it', () => {
    // [1, 2): u close to 1 makes 1 + u round to 2 in float32.
    const x = rng.uniform(new Float32Array(N), { low: 1, high: 2, seed: 5 });
    expect(x.every((v) => v >= 1 && v < 2)).toBe(true);
  });
});

describe('normal', () => {
  for (const [mean, std] of [[0, 1], [-2, 0.125], [3, 7]]) {
    it(`N(${mean}, ${std}²): moments, tails, KS`, () => {
      const x = rng.normal(new Float32Array(N), { mean, std, seed: 99 });
      const m = moments(x);
      expect(Math.abs(m.mean - mean)).toBeLessThan(5 * std / Math.sqrt(N));
      expect(Math.abs(m.variance - std * std)).toBeLessThan(5 * std * std * Math.sqrt(2 / N));
      // The 2^-24 grid caps |z| at Φ⁻¹(1 - 2^-25) ≈ 5.42; 1e6 samples reach past 4.
      expect(Math.max(m.max - mean, mean - m.min) / std).toBeGreaterThan(4);
      expect(Math.max(m.max - mean, mean - m.min) / std).toBeLessThan(5.5);
      expect(ksStatistic(x, gaussianCdf(mean, std))).toBeLessThan(crit);
    });
  }
});

describe('truncated normal', () => {
  const cases: [number, number, number | undefined, number | undefined][] = [
    [0, 1, undefined, undefined], // default: mean ± 2 std
    [1, 2, -1, 2], // asymmetric
    [0, 1, 1, 3], // upper tail only (mirrored internally)
    [0, 1, -4, -2.5], // lower tail only
  ];
  for (const [mean, std, lowOpt, highOpt] of cases) {
    it(`N(${mean}, ${std}²) on [${lowOpt ?? 'mean-2std'}, ${highOpt ?? 'mean+2std'}]: moments, bounds, KS`, () => {
      const low = lowOpt ?? mean - 2 * std, high = highOpt ?? mean + 2 * std;
      const x = rng.truncatedNormal(new Float32Array(N), { mean, std, low: lowOpt, high: highOpt, seed: 7 });
      const m = moments(x);
      const t = truncatedMoments(mean, std, low, high);
      expect(Math.abs(m.mean - t.mean)).toBeLessThan(5 * Math.sqrt(t.variance / N));
      expect(Math.abs(m.variance - t.variance)).toBeLessThan(5 * t.variance * Math.sqrt(2 / N));
      expect(m.min).toBeGreaterThanOrEqual(Math.fround(low));
      expect(m.max).toBeLessThanOrEqual(Math.fround(high));
      expect(ksStatistic(x, truncatedCdf(mean, std, low, high))).toBeLessThan(crit);
    });
  }
});
