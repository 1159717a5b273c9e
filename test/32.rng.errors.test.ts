// Bad arguments to the rng fills and Generator: TypeError / RangeError naming
// the argument, and nothing written.
import { describe, expect, it } from 'vitest';
import { Generator, rng } from 'simdtrain';

const SENTINEL = 4.5;
const fresh = () => new Float32Array(40).fill(SENTINEL);
const untouched = (x: Float32Array) => x.every((v) => v === SENTINEL);

function expectThrowNoWrite(call: (out: Float32Array) => unknown, type: typeof TypeError | typeof RangeError, message: RegExp) {
  const out = fresh();
  expect(() => call(out)).toThrow(type);
  expect(() => call(out)).toThrow(message);
  expect(untouched(out)).toBe(true);
}

describe('rng fills reject bad input without writing', () => {
  it('out must be a Float32Array', () => {
    for (const bad of [new Float64Array(4), [1, 2], null, 'x']) {
      expect(() => rng.uniform(bad as never, { seed: 1 })).toThrow(/'out' must be a Float32Array/);
      expect(() => rng.normal(bad as never, { seed: 1 })).toThrow(TypeError);
    }
  });

  it('negative std, NaN mean, infinite or float32-overflowing values are RangeErrors', () => {
    expectThrowNoWrite((o) => rng.normal(o, { std: -1, seed: 1 }), RangeError, /'std' must be >= 0/);
    expectThrowNoWrite((o) => rng.normal(o, { mean: NaN, seed: 1 }), RangeError, /'mean' must be finite/);
    expectThrowNoWrite((o) => rng.normal(o, { mean: 1e39, seed: 1 }), RangeError, /'mean' is outside the float32 range/);
    expectThrowNoWrite((o) => rng.truncatedNormal(o, { std: -0.5, seed: 1 }), RangeError, /'std' must be >= 0/);
    expectThrowNoWrite((o) => rng.truncatedNormal(o, { mean: NaN, seed: 1 }), RangeError, /'mean' must be finite/);
    expectThrowNoWrite((o) => rng.uniform(o, { low: -Infinity, seed: 1 }), RangeError, /'low' must be finite/);
  });

  it('low >= high is a RangeError (also after rounding to float32)', () => {
    expectThrowNoWrite((o) => rng.uniform(o, { low: 1, high: 1, seed: 1 }), RangeError, /'low' must be less than 'high'/);
    expectThrowNoWrite((o) => rng.uniform(o, { low: 2, high: 1 }), RangeError, /'low' must be less than 'high'/);
    expectThrowNoWrite((o) => rng.uniform(o, { low: 1, high: 1 + 1e-9, seed: 1 }), RangeError, /as float32/);
    expectThrowNoWrite((o) => rng.uniform(o, { low: -3e38, high: 3e38, seed: 1 }), RangeError, /overflows/);
    expectThrowNoWrite((o) => rng.truncatedNormal(o, { low: 1, high: -1, seed: 1 }), RangeError, /'low' must be less than 'high'/);
    expectThrowNoWrite((o) => rng.truncatedNormal(o, { low: 20, high: 21, seed: 1 }), RangeError, /more than 12 'std'/);
    expectThrowNoWrite((o) => rng.truncatedNormal(o, { mean: 5, std: 0, low: 0, high: 1, seed: 1 }), RangeError, /'mean' must lie in/);
  });

  it('seeds and offsets must be integers in [0, 2^53)', () => {
    for (const seed of [-1, 1.5, NaN, 2 ** 53]) {
      expectThrowNoWrite((o) => rng.uniform(o, { seed }), RangeError, /'seed' must be an integer/);
    }
    expectThrowNoWrite((o) => rng.uniform(o, { seed: '1' as never }), TypeError, /'seed' must be a number/);
    expectThrowNoWrite((o) => rng.uniform(o, { seed: 1, offset: -2 }), RangeError, /'offset' must be an integer/);
    expectThrowNoWrite((o) => rng.uniform(o, { offset: 3 }), TypeError, /'offset' needs a 'seed'/);
    expectThrowNoWrite((o) => rng.uniform(o, { seed: 1, offset: 2 ** 53 - 10 }), RangeError, /at most 2\^53/);
  });

  it('options must be an object with known keys and number values', () => {
    expectThrowNoWrite((o) => rng.uniform(o, 5 as never), TypeError, /options must be an object/);
    expectThrowNoWrite((o) => rng.uniform(o, { minval: 0 } as never), TypeError, /unknown option 'minval'/);
    expectThrowNoWrite((o) => rng.normal(o, { std: '2' } as never), TypeError, /'std' must be a number/);
  });

  it('explicit zeros are values, not defaults', () => {
    expect(rng.normal(fresh(), { mean: 0, std: 0, seed: 1 }).every((v) => v === 0)).toBe(true);
    expect(rng.normal(fresh(), { mean: 2.5, std: 0, seed: 1 }).every((v) => v === 2.5)).toBe(true);
    expect(rng.truncatedNormal(fresh(), { mean: 0, std: 0, seed: 1 }).every((v) => v === 0)).toBe(true);
    const u = rng.uniform(new Float32Array(1000), { low: 0, high: 0.001, seed: 1 });
    expect(u.every((v) => v >= 0 && v < 0.001)).toBe(true);
  });
});

describe('Generator rejects bad input', () => {
  it('constructor and setState validate, and setState changes nothing on a throw', () => {
    expect(() => new Generator(-1)).toThrow(RangeError);
    expect(() => new Generator(0.5)).toThrow(/'seed' must be an integer/);
    const g = new Generator(3);
    g.uniform(new Float32Array(4));
    expect(() => g.setState({ seed: 1, offset: -1 })).toThrow(RangeError);
    expect(() => g.setState({ seed: 'a', offset: 0 } as never)).toThrow(TypeError);
    expect(() => g.setState(null as never)).toThrow(TypeError);
    expect(g.getState()).toEqual({ seed: 3, offset: 4 });
  });

  it('bad fill arguments throw, write nothing and keep the offset', () => {
    const g = new Generator(3);
    expectThrowNoWrite((o) => g.normal(o, { std: -1 }), RangeError, /'std'/);
    expectThrowNoWrite((o) => g.truncatedNormal(o, { mean: NaN }), RangeError, /'mean'/);
    expectThrowNoWrite((o) => g.uniform(o, { seed: 1 } as never), TypeError, /unknown option 'seed'/);
    expect(g.offset).toBe(0);
  });
});
