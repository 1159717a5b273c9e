import { describe, expect, it } from 'vitest';
import { setNumThreads, vec } from 'simdtrain';
import { guardedView, randomFloats, TAIL_SIZES } from './helpers/data';
import { withEachIsa } from './helpers/isa';

// Plain JS references, in double.
const refDot = (x: Float32Array, y: Float32Array) => x.reduce((s, v, i) => s + v * y[i], 0);
const refSum = (x: Float32Array) => x.reduce((s, v) => s + v, 0);
const refSumSq = (x: Float32Array) => x.reduce((s, v) => s + v * v, 0);
// float32 accumulation over n terms of magnitude ~1: allow sqrt(n) ulps-ish.
const reduceTol = (n: number, mag: number) => 1e-6 * Math.sqrt(n + 1) * (mag + 1);

describe.each([1, 2])('vector primitives match the JS reference (%i threads)', (threads) => {
  it('fill, scale, axpy on every ISA, every tail, unaligned views', () => {
    setNumThreads(threads);
    withEachIsa((isa) => {
      for (const n of TAIL_SIZES) {
        const x = guardedView(randomFloats(n, 3 + n), 3);
        const y0 = randomFloats(n, 5 + n);
        const y = guardedView(y0, 1);
        vec.axpy(-0.5, x.view, y.view);
        let maxErr = 0;
        for (let i = 0; i < n; i++) maxErr = Math.max(maxErr, Math.abs(y.view[i] - (y0[i] - 0.5 * x.view[i])));
        expect(maxErr, `${isa} axpy n=${n}`).toBeLessThanOrEqual(1.2e-7);
        expect(y.guardsIntact(), `${isa} axpy guards n=${n}`).toBe(true);

        const before = Float32Array.from(y.view);
        vec.scale(y.view, 3);
        expect(y.view.every((v, i) => v === Math.fround(before[i] * 3)), `${isa} scale n=${n}`).toBe(true);
        expect(y.guardsIntact()).toBe(true);

        vec.fill(y.view, 0.25);
        expect(y.view.every((v) => v === 0.25), `${isa} fill n=${n}`).toBe(true);
        expect(y.guardsIntact()).toBe(true);
      }
    });
  });

  it('dot, sum, sumOfSquares on every ISA, every tail, unaligned views', () => {
    setNumThreads(threads);
    withEachIsa((isa) => {
      for (const n of TAIL_SIZES) {
        const x = guardedView(randomFloats(n, 11 + n), 5).view;
        const y = guardedView(randomFloats(n, 13 + n), 2).view;
        const mag = x.reduce((s, v) => s + Math.abs(v), 0);
        expect(Math.abs(vec.dot(x, y) - refDot(x, y)), `${isa} dot n=${n}`).toBeLessThanOrEqual(reduceTol(n, mag));
        expect(Math.abs(vec.sum(x) - refSum(x)), `${isa} sum n=${n}`).toBeLessThanOrEqual(reduceTol(n, mag));
        expect(Math.abs(vec.sumOfSquares(x) - refSumSq(x)), `${isa} sumsq n=${n}`).toBeLessThanOrEqual(reduceTol(n, mag));
      }
    });
  });
});

describe('vector semantics', () => {
  it('reductions give the same bits for any thread count', () => {
    const x = randomFloats(1000003, 42);
    withEachIsa(() => {
      setNumThreads(1);
      const one = [vec.sum(x), vec.sumOfSquares(x), vec.dot(x, x)];
      setNumThreads(2);
      expect([vec.sum(x), vec.sumOfSquares(x), vec.dot(x, x)]).toEqual(one);
    });
  });

  it('axpy in place (y is x) doubles x', () => {
    const x = randomFloats(33, 9);
    const expected = x.map((v) => v * 2);
    vec.axpy(1, x, x);
    expect(Array.from(x)).toEqual(Array.from(expected));
  });

  it('works on arrays backed by a SharedArrayBuffer', () => {
    const x = new Float32Array(new SharedArrayBuffer(4 * 17));
    vec.fill(x, 2);
    expect(vec.sum(x)).toBe(34);
  });

  it('empty arrays are fine', () => {
    expect(vec.sum(new Float32Array(0))).toBe(0);
    expect(vec.dot(new Float32Array(0), new Float32Array(0))).toBe(0);
  });
});
