// Bad hyper-parameters and params: clear errors, nothing changed.
import { describe, expect, it } from 'vitest';
import * as simd from 'simdtrain';

const param = (n = 4) => ({ data: new Float32Array(n).fill(1), grad: new Float32Array(n).fill(0.5) });

describe('optimizer construction errors', () => {
  it.each([
    [{ lr: NaN }, /'lr' must be a finite number >= 0/],
    [{ lr: -1 }, /'lr'/],
    [{ eps: -1e-8 }, /'eps'/],
    [{ betas: [1, 0.999] }, /'betas\[0\]' must be in \[0, 1\)/],
    [{ betas: [0.9, -0.1] }, /'betas\[1\]'/],
    [{ betas: 0.9 }, /'betas' must be a pair/],
    [{ weightDecay: Infinity }, /'weightDecay'/],
    [{ amsgrad: 'yes' }, /'amsgrad' must be a boolean/],
    [{ lrr: 0.1 }, /unknown option 'lrr'/],
  ])('Adam %j', (options, message) => {
    expect(() => new simd.Adam([param()], options as never)).toThrow(message);
  });

  it('params: wrong types, length mismatch, listed twice', () => {
    expect(() => new simd.SGD([], { lr: 0.1 })).toThrow(TypeError);
    expect(() => new simd.SGD([{ data: [1, 2], grad: new Float32Array(2) } as never])).toThrow(/'data' must be a Float32Array/);
    expect(() => new simd.SGD([{ data: new Float32Array(2), grad: new Float64Array(2) } as never])).toThrow(/'grad' must be a Float32Array/);
    expect(() => new simd.SGD([{ data: new Float32Array(2), grad: new Float32Array(3) }])).toThrow(/'grad' has 3 elements, 'data' 2/);
    const p = param();
    expect(() => new simd.SGD([p, p])).toThrow(/a param appears twice/);
    expect(() => new simd.SGD([p, { data: p.data, grad: new Float32Array(4) }])).toThrow(/twice/);
    expect(() => new simd.SGD([p], { nesterov: true })).toThrow(/'nesterov' requires momentum > 0/);
  });

  it('a param whose buffers overlap another is refused natively, nothing written', () => {
    const buf = new Float32Array(10).fill(1);
    const a = { data: buf.subarray(0, 6), grad: new Float32Array(6).fill(1) };
    const b = { data: buf.subarray(4, 10), grad: new Float32Array(6).fill(1) };
    const opt = new simd.Adam([a, b]);
    expect(() => opt.step()).toThrow(/share memory|overlaps/);
    expect(Array.from(buf)).toEqual(new Array(10).fill(1));
    expect(opt.stateDict().state).toEqual({});
  });

  it('an option broken after construction is caught by step(), nothing changed', () => {
    const p = param();
    const opt = new simd.RMSprop([p]);
    opt.paramGroups[0].lr = -0.1;
    expect(() => opt.step()).toThrow(/'lr'/);
    expect(Array.from(p.data)).toEqual([1, 1, 1, 1]);
    opt.paramGroups[0].lr = 0.01;
    p.grad = new Float32Array(3);
    expect(() => opt.step()).toThrow(RangeError);
    expect(Array.from(p.data)).toEqual([1, 1, 1, 1]);
  });
});
