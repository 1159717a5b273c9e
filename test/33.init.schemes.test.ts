// Variance-scaling schemes, fans, gains, constants, name lookup and the
// options every initializer shares.
import { describe, expect, it } from 'vitest';
import * as st from 'simdtrain';
import { gaussianCdf, ksCritical, ksStatistic, moments, truncatedCdf, uniformCdf } from './helpers/stats';

const { calculateGain, computeFans, getInitializer, varianceScaling, Generator } = st;

// Relative tolerance of a sample variance over n values (~5 standard errors).
const varTol = (n: number, kurtosis: number) => 5 * Math.sqrt((kurtosis - 1) / n);

describe('computeFans follows Keras', () => {
  it('ranks 0 to 4', () => {
    expect(computeFans([])).toEqual({ fanIn: 1, fanOut: 1 });
    expect(computeFans([7])).toEqual({ fanIn: 7, fanOut: 7 });
    expect(computeFans([30, 20])).toEqual({ fanIn: 30, fanOut: 20 });
    expect(computeFans([5, 16, 32])).toEqual({ fanIn: 5 * 16, fanOut: 5 * 32 });
    expect(computeFans([3, 3, 16, 32])).toEqual({ fanIn: 9 * 16, fanOut: 9 * 32 });
  });
});

describe('calculateGain uses PyTorch\'s table', () => {
  it('every nonlinearity', () => {
    for (const n of ['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose2d', 'sigmoid'] as const) expect(calculateGain(n)).toBe(1);
    expect(calculateGain('tanh')).toBe(5 / 3);
    expect(calculateGain('relu')).toBe(Math.sqrt(2));
    expect(calculateGain('selu')).toBe(0.75);
    expect(calculateGain('leaky_relu')).toBe(Math.sqrt(2 / (1 + 0.01 ** 2)));
    expect(calculateGain('leaky_relu', 0.2)).toBe(Math.sqrt(2 / 1.04));
    expect(calculateGain('leakyRelu', 0)).toBe(Math.sqrt(2)); // explicit 0 slope honoured
  });
});

describe('variance-scaling schemes hit their target variance', () => {
  const shape = [1000, 1000]; // 1e6 samples
  const fanIn = 1000, fanOut = 1000;
  const cases: [string, (s: number[], o?: st.NormalInitOptions) => Float32Array, number, 'u' | 'tn' | 'n'][] = [
    ['lecunUniform', st.lecunUniform, 1 / fanIn, 'u'],
    ['glorotUniform', st.glorotUniform, 2 / (fanIn + fanOut), 'u'],
    ['heUniform', st.heUniform, 2 / fanIn, 'u'],
    ['lecunNormal', st.lecunNormal, 1 / fanIn, 'tn'],
    ['glorotNormal', st.glorotNormal, 2 / (fanIn + fanOut), 'tn'],
    ['heNormal', st.heNormal, 2 / fanIn, 'tn'],
  ];
  for (const [name, init, variance, kind] of cases) {
    it(`${name}: variance, bounds and distribution (KS)`, () => {
      const w = init(shape, { seed: 17 });
      const m = moments(w);
      const std = Math.sqrt(variance);
      expect(Math.abs(m.mean)).toBeLessThan(5 * std / 1000);
      expect(Math.abs(m.variance / variance - 1)).toBeLessThan(varTol(1e6, kind === 'u' ? 1.8 : 2.4));
      if (kind === 'u') {
        const limit = Math.sqrt(3 * variance);
        expect(m.max).toBeLessThan(limit);
        expect(m.min).toBeGreaterThanOrEqual(-limit);
        expect(ksStatistic(w, uniformCdf(-limit, limit))).toBeLessThan(ksCritical(1e6));
      } else {
        const s = std / 0.87962566103423978;
        expect(Math.max(-m.min, m.max)).toBeLessThanOrEqual(2 * s * (1 + 1e-6));
        expect(ksStatistic(w, truncatedCdf(0, s, -2 * s, 2 * s))).toBeLessThan(ksCritical(1e6));
      }
    });
  }

  it('{ truncated: false } draws a plain normal with the same variance (PyTorch style)', () => {
    for (const [init, variance] of [[st.heNormal, 2 / 1000], [st.glorotNormal, 2 / 2000], [st.lecunNormal, 1 / 1000]] as const) {
      const w = init(shape, { seed: 4, truncated: false });
      const m = moments(w);
      const std = Math.sqrt(variance);
      expect(Math.abs(m.variance / variance - 1)).toBeLessThan(varTol(1e6, 3));
      expect(Math.max(-m.min, m.max)).toBeGreaterThan(3.5 * std); // no truncation at ±2.27 std
      expect(ksStatistic(w, gaussianCdf(0, std))).toBeLessThan(ksCritical(1e6));
    }
  });

  it('fans come from the shape: fanOut / fanAvg modes and conv shapes', () => {
    const shape2 = [200, 800];
    const out = varianceScaling({ scale: 3, mode: 'fanOut', distribution: 'normal' })(shape2, { seed: 2 });
    expect(Math.abs(moments(out).variance / (3 / 800) - 1)).toBeLessThan(varTol(160000, 3));
    const avg = varianceScaling({ mode: 'fanAvg', distribution: 'uniform' })(shape2, { seed: 2 });
    expect(Math.abs(moments(avg).variance / (1 / 500) - 1)).toBeLessThan(varTol(160000, 1.8));
    const conv = st.heUniform([3, 3, 64, 128], { seed: 1 }); // fanIn = 9 * 64
    expect(Math.abs(moments(conv).variance / (2 / 576) - 1)).toBeLessThan(varTol(73728, 1.8));
  });

  it('gain multiplies the std; gain 0 gives zeros', () => {
    const base = st.glorotUniform([300, 300], { seed: 6 });
    const scaled = st.glorotUniform([300, 300], { seed: 6, gain: calculateGain('tanh') });
    expect(Math.abs(moments(scaled).variance / moments(base).variance - 25 / 9)).toBeLessThan(1e-5);
    expect(st.heNormal([10, 10], { seed: 6, gain: 0 }).every((v) => v === 0)).toBe(true);
  });
});

describe('shared options', () => {
  it('seed is reproducible, out is filled and returned, generator advances', () => {
    const a = st.heUniform([64, 32], { seed: 5 });
    expect(st.heUniform([64, 32], { seed: 5 })).toEqual(a);
    expect(st.heUniform([64, 32], { seed: 6 })).not.toEqual(a);
    const buf = new Float32Array(64 * 32);
    expect(st.heUniform([64, 32], { seed: 5, out: buf })).toBe(buf);
    expect(buf).toEqual(a);
    const g = new Generator(5);
    const first = st.heUniform([64, 32], { generator: g });
    expect(first).toEqual(a); // a seed means "this seed's stream from offset 0"
    expect(g.offset).toBe(2048);
    expect(st.heUniform([64, 32], { generator: g })).not.toEqual(a);
  });

  it('unseeded calls draw from the default generator (reproducible after manualSeed)', () => {
    st.rng.manualSeed(77);
    const a = st.glorotNormal([10, 10]);
    const b = st.glorotNormal([10, 10]);
    expect(a).not.toEqual(b);
    st.rng.manualSeed(77);
    expect(st.glorotNormal([10, 10])).toEqual(a);
  });
});

describe('plain initializers', () => {
  it('zeros, ones, constant, identity', () => {
    expect(Array.from(st.zeros([2, 3]))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(st.ones([3], { gain: 2 }))).toEqual([2, 2, 2]);
    expect(Array.from(st.constant(0.5)([2, 2]))).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(Array.from(st.constant(0)([2]))).toEqual([0, 0]);
    expect(Array.from(st.identity([2, 3], { gain: 3 }))).toEqual([3, 0, 0, 0, 3, 0]);
    expect(Array.from(st.identity([3, 2]))).toEqual([1, 0, 0, 1, 0, 0]);
  });

  it('random factories: Keras defaults, and explicit zeros honoured', () => {
    const u = st.randomUniform()([1000, 100], { seed: 1 });
    expect(moments(u).min).toBeGreaterThanOrEqual(-0.05);
    expect(moments(u).max).toBeLessThan(0.05);
    const u0 = st.randomUniform({ low: 0 })([1000, 100], { seed: 1 });
    expect(moments(u0).min).toBeGreaterThanOrEqual(0);
    const n = st.randomNormal()([1000, 100], { seed: 1 });
    expect(Math.abs(Math.sqrt(moments(n).variance) / 0.05 - 1)).toBeLessThan(0.01);
    expect(st.randomNormal({ mean: 0, std: 0 })([50], { seed: 1 }).every((v) => v === 0)).toBe(true);
    expect(st.randomNormal({ mean: 3, std: 0 })([50], { seed: 1 }).every((v) => v === 3)).toBe(true);
    expect(st.truncatedNormal({ std: 0 })([50], { seed: 1 }).every((v) => v === 0)).toBe(true);
    const t = st.truncatedNormal({ mean: 1, std: 0.5, low: 0, high: 1.5 })([100000], { seed: 3 });
    expect(ksStatistic(t, truncatedCdf(1, 0.5, 0, 1.5))).toBeLessThan(ksCritical(100000));
  });
});

describe('getInitializer', () => {
  it('by name (camelCase, snake_case, aliases) or function', () => {
    expect(getInitializer('glorotUniform')).toBe(st.glorotUniform);
    expect(getInitializer('glorot_uniform')).toBe(st.glorotUniform);
    expect(getInitializer('xavierUniform')).toBe(st.glorotUniform);
    expect(getInitializer('kaimingNormal')).toBe(st.heNormal);
    expect(st.kaimingUniform).toBe(st.heUniform);
    expect(st.xavierNormal).toBe(st.glorotNormal);
    const custom: st.Initializer = (shape) => new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(7);
    expect(getInitializer(custom)).toBe(custom);
    expect(Array.from(getInitializer('ones')([2]))).toEqual([1, 1]);
    const o = getInitializer('orthogonal')([4, 4], { seed: 1 });
    expect(o.length).toBe(16);
  });
});
