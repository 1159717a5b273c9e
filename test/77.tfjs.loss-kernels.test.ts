// The simdtrain tfjs backend's kernels on the loss path of a tfjs-layers fit
// (categorical cross-entropy: Neg, Mean, ClipByValue's gradient masks
// GreaterEqual / LessEqual), dropout's Floor and its pooled GatherV2, against tfjs's cpu
// kernels on the same inputs, bit for bit (NaN, infinities, -0, ties with
// the clip bounds, sizes around the pool threshold, views at an offset),
// plus the fallbacks (other dtypes and broadcasts, unsorted axes) and errors.
import * as tf from '@tensorflow/tfjs';
import { BACKEND_NAME, nativeKernels } from 'simdtrain/tfjs';
import { describe, expect, it } from 'vitest';
import { withEachIsa } from './helpers/isa';
import { both, expectSame, values } from './helpers/tfjs-compare';

describe('simdtrain tfjs backend: loss-path kernels', () => {
  it('are registered', () => {
    const names = new Set(nativeKernels.map((k) => k.kernelName));
    for (const k of ['Neg', 'Mean', 'GreaterEqual', 'LessEqual', 'GatherV2', 'Floor']) expect(names.has(k), k).toBe(true);
  });

  it('Floor: bit for bit (-0, NaN, infinities, x.5, just below integers, huge), pooled sizes, other dtypes fall back', () => {
    const special = [-0, 0, NaN, Infinity, -Infinity, -0.5, 0.5, -1.5, Math.fround(0.99999994), Math.fround(-0.99999994), 3e38, -3e38, 1e-40, -1e-40, 8388607.5, -8388607.5];
    for (const n of [special.length, 7, 4096, 4099]) {
      const v = values(n, n);
      if (n === special.length) v.splice(0, n, ...special);
      expectSame(both([{ shape: [n], values: v }], (x) => tf.floor(x)));
    }
    // dropout's keep mask, as tfjs builds it: floor(uniform + keepProb)
    expectSame(both([{ shape: [128, 64] }], (x) => tf.floor(tf.add(tf.abs(x).div(3), 0.75))));
    // (tf.floor accepts only float32; the kernel itself hands other dtypes to tfjs's cpu kernel)
    const viaKernel = (x: tf.Tensor) => tf.engine().runKernel('Floor', { x }) as tf.Tensor;
    expectSame(both([{ shape: [4], dtype: 'int32', values: [1, -2, 3, 0] }], viaKernel));
    expectSame(both([{ shape: [0, 2] }], (x) => tf.floor(x)));
  });

  it('Neg: -x bit for bit (-0, NaN, infinities), sizes across vector tails, every ISA', () => {
    withEachIsa((isa) => {
      for (const shape of [[1], [7], [128, 1], [3, 17], [4097], []]) {
        const [got, want] = both([{ shape }], (x) => tf.neg(x));
        expect(got.dtype, isa).toBe('float32');
        expectSame([got, want]);
      }
    });
    expectSame(both([{ shape: [5], dtype: 'int32', values: [1, -2, 0, 7, -9] }], (x) => tf.neg(x)));
    expectSame(both([{ shape: [0, 3] }], (x) => tf.neg(x)));
  });

  describe('Mean', () => {
    const cases: Array<[number[], number | number[] | undefined, boolean]> = [
      [[128], undefined, false], [[128], 0, true], [[128, 10], -1, false], [[128, 10], 1, true], [[128, 10], 0, false],
      [[4, 5, 6], [1, 2], false], [[4, 5, 6], [0, 1], true], [[4, 5, 6], [0, 1, 2], false], [[3, 4097], 1, false], [[4097, 3], 0, false],
      // not a leading/trailing block, or unsorted: tfjs's cpu kernel
      [[4, 5, 6], 1, false], [[4, 5, 6], [2, 1], false], [[4, 5, 6], [0, 2], true], [[4, 5, 6], [], false],
    ];
    for (const [shape, axis, keepDims] of cases) {
      it(`${JSON.stringify(shape)} axis ${JSON.stringify(axis)} keepDims ${keepDims}`, () => {
        expectSame(both([{ shape }], (x) => tf.mean(x, axis, keepDims)));
      });
    }
    it('special values, int32 and empty inputs as tfjs', () => {
      expectSame(both([{ shape: [2, 3], values: [NaN, 1, 2, Infinity, -Infinity, 1] }], (x) => tf.mean(x, 1)));
      expectSame(both([{ shape: [2, 3], values: [3e38, 3e38, 3e38, -0, -0, -0] }], (x) => tf.mean(x, 1)));
      expectSame(both([{ shape: [2, 3], dtype: 'int32', values: [1, 2, 4, 5, 6, 8] }], (x) => tf.mean(x, 1)));
      expectSame(both([{ shape: [0, 3] }], (x) => tf.mean(x, 0)));
      tf.setBackend(BACKEND_NAME);
      expect(() => tf.mean(tf.ones([2, 3]), 2)).toThrow(/axis param/);
    });
    it('gradient as tfjs', () => {
      expectSame(both([{ shape: [16, 10] }], (x) => tf.grad((v: tf.Tensor) => tf.mean(v.mul(v), 1).sum())(x)));
    });
  });

  describe('GreaterEqual / LessEqual', () => {
    const ops = [['greaterEqual', tf.greaterEqual], ['lessEqual', tf.lessEqual]] as const;
    for (const [name, op] of ops) {
      it(`${name}: same shape, scalar on either side, bounds ties, NaN`, () => {
        const a = values(1280, 5);
        a[3] = 1e-7; a[4] = Math.fround(1 - 1e-7); a[5] = NaN;
        expectSame(both([{ shape: [128, 10], values: a }, { shape: [], values: [1e-7] }], op));
        expectSame(both([{ shape: [128, 10], values: a }, { shape: [], values: [Math.fround(1 - 1e-7)] }], op));
        expectSame(both([{ shape: [], values: [0.5] }, { shape: [7, 3] }], op));
        expectSame(both([{ shape: [7, 3] }, { shape: [7, 3] }], op));
        expectSame(both([{ shape: [1] }, { shape: [1, 1] }], op));
        expectSame(both([{ shape: [], values: [NaN] }, { shape: [5] }], op));
      });
      it(`${name}: other broadcasts, int32 and empty inputs run tfjs's cpu kernel`, () => {
        expectSame(both([{ shape: [4, 1] }, { shape: [1, 5] }], op));
        expectSame(both([{ shape: [4, 5] }, { shape: [5] }], op));
        expectSame(both([{ shape: [3], dtype: 'int32', values: [1, 2, 3] }, { shape: [], dtype: 'int32', values: [2] }], op));
        expectSame(both([{ shape: [0, 2] }, { shape: [] }], op));
        tf.setBackend(BACKEND_NAME);
        expect(() => op(tf.ones([2, 3]), tf.ones([3, 2]))).toThrow(/broadcast/);
      });
    }
    it("ClipByValue's gradient (the masks' consumer) as tfjs, bounds included", () => {
      const x = values(1280, 9);
      x[0] = 1e-7; x[1] = Math.fround(1 - 1e-7); x[2] = 0.5;
      expectSame(both([{ shape: [128, 10], values: x }], (v) => tf.grad((t: tf.Tensor) => tf.clipByValue(t, 1e-7, 1 - 1e-7).mul(t).sum())(v)));
    });
  });

  describe('GatherV2 (pooled output)', () => {
    it('rows of a batch as tfjs, float32 outputs over and under the pool threshold, int32 too', () => {
      for (const [rows, cols] of [[300, 784], [300, 10], [50, 1]]) {
        const idx = Array.from({ length: 128 }, (_, i) => (i * 37) % rows);
        expectSame(both([{ shape: [rows, cols] }, { shape: [128], dtype: 'int32', values: idx }], (x, i) => tf.gather(x, i)));
        expectSame(both([{ shape: [rows, cols], dtype: 'int32', values: Array.from({ length: rows * cols }, (_, k) => k) }, { shape: [128], dtype: 'int32', values: idx }], (x, i) => tf.gather(x, i)));
      }
      expectSame(both([{ shape: [4, 6, 5] }, { shape: [3], dtype: 'int32', values: [5, 0, 2] }], (x, i) => tf.gather(x, i, 1)));
    });
    it('a reused buffer never changes a gathered batch still alive; bad indices are tfjs errors', () => {
      tf.setBackend(BACKEND_NAME);
      const x = tf.tensor(values(300 * 784, 3), [300, 784]);
      const first = tf.gather(x, tf.tensor1d([1, 2, 3], 'int32'));
      const want = Array.from(first.dataSync());
      for (let k = 0; k < 4; k++) {
        const idx = tf.tensor1d(Array.from({ length: 128 }, (_, i) => (i * 7 + k) % 300), 'int32');
        const g = tf.gather(x, idx);
        expect(Array.from(g.dataSync().subarray(0, 784))).toEqual(Array.from(x.dataSync().subarray(k * 784, (k + 1) * 784)));
        g.dispose(); idx.dispose();
      }
      expect(Array.from(first.dataSync())).toEqual(want);
      expect(() => tf.gather(x, tf.tensor1d([300], 'int32'))).toThrow(/index value 300/);
      tf.dispose([x, first]);
    });
  });
});
