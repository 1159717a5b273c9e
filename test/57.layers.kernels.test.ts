// The layer-kernel bindings (conv2d, pooling, batch/layer norm, embedding,
// dropout) against PyTorch 1.13 fixtures (scripts/gen-layer-fixtures.py,
// test/fixtures/layers/, NHWC), on every ISA and 1 / 2 threads, with
// unaligned views whose guard elements must stay untouched.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rng, setNumThreads } from 'simdtrain';
import { guardedView, maxRelError } from './helpers/data';
import { withEachIsa } from './helpers/isa';

const require = createRequire(__filename);
const { native } = require('../dist/native.js') as typeof import('../lib/native');

type Case = Record<string, any>;
const fixture = (name: string): Case[] =>
  JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'layers', `${name}.json`), 'utf8')).cases;
const f32 = (a: number[]) => guardedView(Float32Array.from(a), 3);
const out = (n: number, fill = NaN) => guardedView(new Float32Array(n).fill(fill), 2);
// Relative error against PyTorch, with a floor of 1% of the largest |expected|
// (float32 sums in another order cancel differently near zero); a wrong index
// or term shows up as an error of order 1.
const TOL = 1e-4;

function expectClose(got: ReturnType<typeof out>, want: number[], what: string): void {
  expect(got.guardsIntact(), `${what}: guards`).toBe(true);
  const floor = Math.max(1e-3, 1e-2 * Math.max(...want.map(Math.abs)));
  expect(maxRelError(got.view, want, floor), what).toBeLessThan(TOL);
}

describe.each([1, 2])('layer kernels match PyTorch (%i threads)', (threads) => {
  it.each(fixture('conv2d').map((c) => [c.name, c]))('conv2d %s', (_n, c) => {
    setNumThreads(threads);
    withEachIsa((isa) => {
      const shape = { ...c };
      const x = f32(c.x), w = f32(c.w), b = f32(c.b), dy = f32(c.dy);
      const y = out(c.y.length), dx = out(c.dx.length), dw = out(c.dw.length, 1), db = out(c.db.length, 1);
      native.conv2dForward(shape, x.view, w.view, b.view, c.relu, y.view);
      native.conv2dBackward(shape, x.view, w.view, dy.view, dx.view, dw.view, db.view, true);
      expectClose(y, c.y, `${isa} y`);
      expectClose(dx, c.dx, `${isa} dx`);
      expectClose(dw, c.dw.map((v: number) => v + 1), `${isa} dw (accumulated onto 1)`);
      expectClose(db, c.db.map((v: number) => v + 1), `${isa} db (accumulated onto 1)`);
      const dx2 = out(c.dx.length), dw2 = out(c.dw.length);
      native.conv2dBackwardInput(shape, w.view, dy.view, dx2.view);
      native.conv2dBackwardFilter(shape, x.view, dy.view, dw2.view, null, false);
      expectClose(dx2, c.dx, `${isa} backwardInput`);
      expectClose(dw2, c.dw, `${isa} backwardFilter`);
    });
  });

  it.each(fixture('pool2d').map((c) => [c.name, c]))('pool2d %s', (_n, c) => {
    setNumThreads(threads);
    withEachIsa((isa) => {
      const x = f32(c.x), dy = f32(c.dy), y = out(c.y.length), dx = out(c.dx.length);
      if (c.kind === 'global') {
        const hw = c.inH * c.inW;
        native.globalAvgPoolForward(c.batch, hw, c.c, x.view, y.view);
        native.globalAvgPoolBackward(c.batch, hw, c.c, dy.view, dx.view);
      } else {
        const shape = { batch: c.batch, inH: c.inH, inW: c.inW, c: c.c, kh: c.k, kw: c.k, strideH: c.stride, strideW: c.stride, padTop: c.pad, padBottom: c.pad, padLeft: c.pad, padRight: c.pad };
        if (c.kind === 'max') {
          native.maxPool2dForward(shape, x.view, y.view);
          native.maxPool2dBackward(shape, x.view, dy.view, dx.view);
        } else {
          native.avgPool2dForward(shape, x.view, y.view, c.countIncludePad);
          native.avgPool2dBackward(shape, dy.view, dx.view, c.countIncludePad);
        }
      }
      expectClose(y, c.y, `${isa} y`);
      expectClose(dx, c.dx, `${isa} dx`);
    });
  });

  it.each(fixture('batchnorm').map((c) => [c.name, c]))('batchnorm %s (train, running stats, eval)', (_n, c) => {
    setNumThreads(threads);
    withEachIsa((isa) => {
      const { rows, c: ch } = c;
      const x = f32(c.x), gamma = f32(c.gamma), beta = f32(c.beta), dy = f32(c.dy);
      const rm = f32(c.runningMean), rv = f32(c.runningVar);
      const sm = out(ch), si = out(ch), y = out(rows * ch), ye = out(rows * ch);
      native.batchNormForwardTrain(rows, ch, x.view, gamma.view, beta.view, c.eps, c.momentum, rm.view, rv.view, sm.view, si.view, y.view);
      expectClose(y, c.y, `${isa} y`);
      expectClose(rm, c.runningMeanAfter, `${isa} running mean`);
      expectClose(rv, c.runningVarAfter, `${isa} running var`);
      native.batchNormForwardEval(rows, ch, x.view, gamma.view, beta.view, rm.view, rv.view, c.eps, ye.view);
      expectClose(ye, c.yEval, `${isa} eval y`);
      const dx = out(rows * ch), dg = out(ch), db = out(ch);
      native.batchNormBackward(rows, ch, x.view, dy.view, gamma.view, sm.view, si.view, dx.view, dg.view, db.view, false);
      expectClose(dx, c.dx, `${isa} dx`);
      expectClose(dg, c.dgamma, `${isa} dgamma`);
      expectClose(db, c.dbeta, `${isa} dbeta`);
    });
  });

  it.each(fixture('layernorm').map((c) => [c.name, c]))('layernorm %s', (_n, c) => {
    setNumThreads(threads);
    withEachIsa((isa) => {
      const { rows, d } = c;
      const x = f32(c.x), gamma = f32(c.gamma), beta = f32(c.beta), dy = f32(c.dy);
      const sm = out(rows), sr = out(rows), y = out(rows * d);
      native.layerNormForward(rows, d, x.view, gamma.view, beta.view, c.eps, sm.view, sr.view, y.view);
      expectClose(y, c.y, `${isa} y`);
      const dx = out(rows * d), dg = out(d), db = out(d);
      native.layerNormBackward(rows, d, x.view, dy.view, gamma.view, sm.view, sr.view, dx.view, dg.view, db.view, false);
      expectClose(dx, c.dx, `${isa} dx`);
      expectClose(dg, c.dgamma, `${isa} dgamma`);
      expectClose(db, c.dbeta, `${isa} dbeta`);
    });
  });

  it.each(fixture('embedding').map((c) => [c.name, c]))('embedding %s', (_n, c) => {
    setNumThreads(threads);
    withEachIsa((isa) => {
      const idx = Int32Array.from(c.idx);
      const table = f32(c.table), dy = f32(c.dy), y = out(c.y.length), dt = out(c.table.length, 0);
      native.embeddingForward(idx, c.vocab, c.dim, table.view, y.view);
      native.embeddingBackward(idx, c.vocab, c.dim, dy.view, dt.view);
      expectClose(y, c.y, `${isa} y`);
      expectClose(dt, c.dtable, `${isa} dtable`);
    });
  });

  it('dropout keeps exactly the elements whose Philox uniform is >= p, scaled by 1/(1-p)', () => {
    setNumThreads(threads);
    const n = 3001, p = 0.3, seed = 42, offset = 1000;
    const x = Float32Array.from({ length: n }, (_, i) => (i % 17) - 8);
    const u = new Float32Array(n);
    rng.uniform(u, { low: 0, high: 1, seed, offset });
    withEachIsa((isa) => {
      const y = out(n), dx = out(n);
      native.dropoutForward(x, p, seed, offset, y.view);
      native.dropoutBackward(x, p, seed, offset, dx.view);
      const scale = Math.fround(1 / Math.fround(1 - p));
      for (let i = 0; i < n; i++) {
        const want = u[i] >= Math.fround(p) ? Math.fround(x[i] * scale) : 0;
        if (y.view[i] !== want || dx.view[i] !== want) throw new Error(`${isa} element ${i}: ${y.view[i]} / ${dx.view[i]} vs ${want}`);
      }
      expect(y.guardsIntact() && dx.guardsIntact()).toBe(true);
    });
  });
});

describe('layer kernel argument errors', () => {
  const shape = { batch: 1, inH: 4, inW: 4, inC: 2, outC: 3, kh: 3, kw: 3 };
  const x = new Float32Array(32), w = new Float32Array(54), y = new Float32Array(12);
  it('name the argument and write nothing', () => {
    y.fill(5);
    expect(() => native.conv2dForward({ ...shape, groups: 2 }, x, w, null, false, y)).toThrow(/'shape': out_c must be divisible by groups/);
    expect(() => native.conv2dForward({ ...shape, kh: 5 }, x, w, null, false, y)).toThrow(RangeError);
    expect(() => native.conv2dForward(shape, x, new Float32Array(53), null, false, y)).toThrow(/'w' must have length 54/);
    expect(() => native.conv2dForward(shape, x, w, null, false, x.subarray(0, 12))).toThrow(/'y' overlaps 'x'/);
    expect(() => native.conv2dForward({ ...shape, inC: undefined } as never, x, w, null, false, y)).toThrow(/'shape.inC' is required/);
    expect(() => native.conv2dForward(shape, x, w, null, 1 as never, y)).toThrow(/'relu' must be a boolean/);
    expect(y.every((v) => v === 5)).toBe(true);
    const dt = new Float32Array(12).fill(1);
    expect(() => native.embeddingBackward(Int32Array.from([0, 3, 4]), 4, 3, new Float32Array(9), dt)).toThrow(/'indices' has label 4 at index 2/);
    expect(dt.every((v) => v === 1)).toBe(true);
    expect(() => native.dropoutForward(x, 1, 0, 0, new Float32Array(32))).toThrow(/'p' must be in \[0, 1\)/);
    expect(() => native.batchNormForwardTrain(2, 2, x.subarray(0, 4), null, null, 0, 0.1, null, null, new Float32Array(2), new Float32Array(2), new Float32Array(4))).toThrow(/'eps' must be positive/);
  });

  it('pool shapes: strides default to the window, required fields and bad values are named', () => {
    const px = Float32Array.from({ length: 16 }, (_, i) => i), py = new Float32Array(4);
    native.maxPool2dForward({ batch: 1, inH: 4, inW: 4, c: 1, kh: 2, kw: 2 }, px, py); // stride 2 x 2: a 2 x 2 output
    expect(Array.from(py)).toEqual([5, 7, 13, 15]);
    expect(() => native.maxPool2dForward({ batch: 1, inH: 4, inW: 4, c: 1, kh: 2 } as never, px, py)).toThrow(/'shape.kw' is required/);
    expect(() => native.maxPool2dForward({ batch: 1, inH: 4, inW: 4, c: 1, kh: 2, kw: 2, strideW: -1 }, px, py)).toThrow(/'shape.strideW'/);
    expect(() => native.maxPool2dForward({ batch: 1, inH: 4, inW: 4, c: 1, kh: 2, kw: 2, padTop: 2 }, px, py)).toThrow(/'shape': padding must be smaller than the pool size/);
  });
});
