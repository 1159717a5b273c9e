// stateDict / loadStateDict, skipNonFinite, zeroGrad, param groups, clipping.
import { describe, expect, it } from 'vitest';
import * as simd from 'simdtrain';
import { optimizerCtor, setupCase, stateCases } from './helpers/optim-fixtures';

const all = stateCases;
const ctor = optimizerCtor;
const sizes = [1, 7, 17, 64, 1031];

describe.each(all)('%s state dict', (name, options) => {
  it.each(['binary', 'json'] as const)('a %s round trip mid-training continues bit for bit', (format) => {
    const a = setupCase(sizes, 99);
    const optA = new (ctor(name))(a.params, options);
    for (let t = 0; t < 7; t++) {
      a.nextGrads();
      optA.step();
    }
    // Clone the params and the state into a fresh optimizer.
    const b = setupCase(sizes, 99);
    b.params.forEach((p, i) => p.data.set(a.params[i].data));
    const dict = optA.stateDict({ format });
    const restored = format === 'json' ? JSON.parse(JSON.stringify(dict)) : dict;
    const optB = new (ctor(name))(b.params, options);
    optB.loadStateDict(restored);
    for (let t = 0; t < 5; t++) {
      a.nextGrads();
      b.params.forEach((p, i) => p.grad.set(a.params[i].grad));
      optA.step();
      optB.step();
    }
    b.params.forEach((p, i) => expect(Buffer.from(p.data.buffer).equals(Buffer.from(a.params[i].data.buffer))).toBe(true));
  });
});

describe('loading a mismatched state', () => {
  it('is a clear error and changes nothing', () => {
    const a = setupCase([3, 4], 1);
    const adam = new simd.Adam(a.params);
    a.nextGrads();
    adam.step();
    const dict = adam.stateDict();
    const other = setupCase([3, 5], 2);
    const fresh = new simd.Adam(other.params);
    expect(() => fresh.loadStateDict(dict)).toThrow(/buffer 0 has 4 elements, the param 5/);
    expect(() => new simd.SGD(other.params).loadStateDict(dict as never)).toThrow(/the state is for Adam, not SGD/);
    const fewer = new simd.Adam([other.params[0]]);
    expect(() => fewer.loadStateDict(dict)).toThrow(RangeError);
    expect(fresh.stateDict().state).toEqual({});
  });
});

describe('step behaviour', () => {
  it('skipNonFinite skips the whole step and reports it', () => {
    const { params, nextGrads } = setupCase([5, 9], 3);
    const opt = new simd.Adam(params);
    opt.skipNonFinite = true;
    nextGrads();
    expect(opt.step()).toEqual({ applied: true });
    const before = params.map((p) => Float32Array.from(p.data));
    const dictBefore = JSON.stringify(opt.stateDict({ format: 'json' }));
    params[1].grad[4] = NaN;
    expect(opt.step()).toEqual({ applied: false });
    params.forEach((p, i) => expect(Array.from(p.data)).toEqual(Array.from(before[i])));
    expect(JSON.stringify(opt.stateDict({ format: 'json' }))).toBe(dictBefore);
  });

  it('param groups take their own options; paramGroups are mutable', () => {
    const a = setupCase([4], 5), b = setupCase([4], 5);
    const opt = new simd.SGD([{ params: a.params, lr: 0.1 }, { params: b.params }], { lr: 0.5 });
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.1, 0.5]);
    a.params[0].grad.fill(1);
    b.params[0].grad.fill(1);
    const a0 = a.params[0].data[0], b0 = b.params[0].data[0];
    opt.step();
    expect(a.params[0].data[0]).toBeCloseTo(a0 - 0.1, 6);
    expect(b.params[0].data[0]).toBeCloseTo(b0 - 0.5, 6);
    opt.paramGroups[0].lr = 0;
    opt.step();
    expect(a.params[0].data[0]).toBeCloseTo(a0 - 0.1, 6);
    opt.zeroGrad();
    expect(Array.from(a.params[0].grad)).toEqual([0, 0, 0, 0]);
  });
});

describe('gradient clipping', () => {
  it('clipGradNorm scales to maxNorm and returns the total norm (2, 1, Infinity)', () => {
    const p = [{ data: new Float32Array(2), grad: new Float32Array([3, 0]) }, { data: new Float32Array(1), grad: new Float32Array([4]) }];
    expect(simd.clipGradNorm(p, 1)).toBeCloseTo(5, 6);
    expect(Math.hypot(p[0].grad[0], p[1].grad[0])).toBeCloseTo(1, 5);
    p[0].grad.set([3, -9]);
    expect(simd.clipGradNorm(p, 100, Infinity)).toBe(9);
    expect(simd.clipGradNorm(p, 100, 1)).toBeCloseTo(3 + 9 + p[1].grad[0], 5);
    expect(() => simd.clipGradNorm(p, -1)).toThrow(/'maxNorm'/);
    expect(() => simd.clipGradNorm(p, 1, 3)).toThrow(/'normType'/);
  });

  it('clipGradValue clamps; hasNonFiniteGrad finds NaN/Infinity', () => {
    const p = [{ data: new Float32Array(3), grad: new Float32Array([-5, 0.5, 7]) }];
    simd.clipGradValue(p, 1);
    expect(Array.from(p[0].grad)).toEqual([-1, 0.5, 1]);
    expect(simd.hasNonFiniteGrad(p)).toBe(false);
    p[0].grad[1] = -Infinity;
    expect(simd.hasNonFiniteGrad(p)).toBe(true);
  });
});
