// Bad input to initializers: clear TypeError / RangeError, nothing written.
import { describe, expect, it } from 'vitest';
import * as st from 'simdtrain';

const SENTINEL = -9.25;
const outOf = (n: number) => new Float32Array(n).fill(SENTINEL);
const untouched = (x: Float32Array) => x.every((v) => v === SENTINEL);

function rejects(call: (out: Float32Array) => unknown, n: number, type: typeof TypeError | typeof RangeError, message: RegExp) {
  const out = outOf(n);
  expect(() => call(out)).toThrow(type);
  expect(() => call(out)).toThrow(message);
  expect(untouched(out)).toBe(true);
}

describe('initializers reject bad shapes and fans', () => {
  it('non-integer, negative or non-array shapes', () => {
    for (const init of [st.glorotUniform, st.heNormal, st.zeros, st.orthogonal()]) {
      expect(() => init([2.5, 3])).toThrow(RangeError);
      expect(() => init([2.5, 3])).toThrow(/'shape' must hold integers >= 0/);
      expect(() => init([-1, 3])).toThrow(RangeError);
      expect(() => init('3x3' as never)).toThrow(TypeError);
      expect(() => init([NaN])).toThrow(RangeError);
    }
  });

  it('zero fans are RangeErrors for the variance-scaling schemes', () => {
    rejects((out) => st.heUniform([0, 4], { out }), 0, RangeError, /fans must be > 0/);
    rejects((out) => st.glorotNormal([3, 0, 5, 2], { out }), 0, RangeError, /fanIn 0/);
    rejects((out) => st.varianceScaling({ mode: 'fanOut' })([4, 0], { out }), 0, RangeError, /fans must be > 0/);
  });

  it('out of the wrong length or type', () => {
    rejects((out) => st.heUniform([4, 4], { out, seed: 1 }), 15, RangeError, /'out' has length 15 but shape \[4, 4\] needs 16/);
    expect(() => st.heUniform([2, 2], { out: new Float64Array(4) as never })).toThrow(TypeError);
  });
});

describe('initializers reject bad options', () => {
  it('NaN, infinite or negative gain', () => {
    for (const gain of [NaN, Infinity, -1]) {
      rejects((out) => st.lecunUniform([4, 4], { out, gain, seed: 1 }), 16, RangeError, /'gain' must be finite and >= 0/);
      rejects((out) => st.ones([4, 4], { out, gain }), 16, RangeError, /'gain'/);
    }
    rejects((out) => st.heNormal([4, 4], { out, gain: '2' as never }), 16, TypeError, /'gain' must be a number/);
    expect(() => st.orthogonal({ gain: NaN })).toThrow(RangeError);
  });

  it('unknown options, bad seed, seed with generator, bad truncated flag', () => {
    rejects((out) => st.heUniform([4, 4], { out, sed: 1 } as never), 16, TypeError, /unknown option 'sed'/);
    rejects((out) => st.heUniform([4, 4], { out, truncated: false } as never), 16, TypeError, /unknown option 'truncated'/);
    rejects((out) => st.heUniform([4, 4], { out, seed: -3 }), 16, RangeError, /'seed' must be an integer/);
    rejects((out) => st.heUniform([4, 4], { out, seed: 1, generator: new st.Generator(1) }), 16, TypeError, /not both/);
    rejects((out) => st.heNormal([4, 4], { out, truncated: 'yes' as never }), 16, TypeError, /'truncated' must be a boolean/);
    rejects((out) => st.heUniform([4, 4], { out, generator: {} as never }), 16, TypeError, /must be a Generator/);
  });

  it('varianceScaling: unknown mode / distribution, bad scale', () => {
    expect(() => st.varianceScaling({ mode: 'fan_sideways' as never })).toThrow(RangeError);
    expect(() => st.varianceScaling({ mode: 'fan_sideways' as never })).toThrow(/unknown mode 'fan_sideways'/);
    expect(() => st.varianceScaling({ distribution: 'cauchy' as never })).toThrow(/unknown distribution 'cauchy'/);
    expect(() => st.varianceScaling({ scale: 0 })).toThrow(/'scale' must be > 0/);
    expect(() => st.varianceScaling({ scale: NaN })).toThrow(RangeError);
    expect(() => st.varianceScaling({ scale: '1' as never })).toThrow(TypeError);
  });

  it('random factories: NaN mean, negative std, low >= high', () => {
    expect(() => st.randomNormal({ mean: NaN })).toThrow(/'mean' must be finite/);
    expect(() => st.randomNormal({ std: -0.1 })).toThrow(/'std' must be >= 0/);
    expect(() => st.truncatedNormal({ std: -1 })).toThrow(RangeError);
    expect(() => st.randomUniform({ low: 1, high: 1 })).toThrow(/'low' must be less than 'high'/);
    expect(() => st.truncatedNormal({ low: 0.5, high: -0.5 })).toThrow(RangeError);
    expect(() => st.constant(NaN)).toThrow(RangeError);
    expect(() => st.constant('1' as never)).toThrow(TypeError);
  });

  it('identity needs 2-D; orthogonal needs rank >= 1', () => {
    rejects((out) => st.identity([2, 2, 2], { out }), 8, RangeError, /must be 2-D/);
    rejects((out) => st.orthogonal()([], { out }), 1, RangeError, /rank >= 1/);
  });
});

describe('calculateGain and getInitializer reject unknown names', () => {
  it('calculateGain', () => {
    expect(() => st.calculateGain('swish' as never)).toThrow(RangeError);
    expect(() => st.calculateGain('swish' as never)).toThrow(/unknown nonlinearity 'swish'/);
    expect(() => st.calculateGain(3 as never)).toThrow(TypeError);
    expect(() => st.calculateGain('leaky_relu', NaN)).toThrow(RangeError);
    expect(() => st.calculateGain('leaky_relu', '0.2' as never)).toThrow(TypeError);
  });

  it('getInitializer', () => {
    expect(() => st.getInitializer('glorotUnifrom' as never)).toThrow(/unknown initializer 'glorotUnifrom'/);
    expect(() => st.getInitializer(42 as never)).toThrow(TypeError);
    expect(() => st.getInitializer(null as never)).toThrow(TypeError);
  });
});
