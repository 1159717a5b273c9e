// The simdtrain tfjs backend's native kernels against tfjs's cpu kernels on
// the same inputs: matmul (all transposes, batch broadcasting, fused bias
// and activations), Add, Sum, GatherV2, plus the fallbacks (int32, other
// broadcasts) and the registry (every cpu kernel inherited).
import * as tf from '@tensorflow/tfjs';
import { BACKEND_NAME, nativeKernels } from 'simdtrain/tfjs';
import { describe, expect, it } from 'vitest';
import { uniform } from './helpers/tfjs-compare';

const rand = (shape: number[], seed: number): Float32Array => uniform(shape.reduce((a, b) => a * b, 1), seed);

/** Runs f on both backends with tensors made from `inputs`; returns [simdtrain, cpu] results. */
function both(inputs: Array<{ shape: number[]; dtype?: 'float32' | 'int32'; seed?: number; values?: number[] }>, f: (...t: tf.Tensor[]) => tf.Tensor): Array<{ shape: number[]; dtype: string; values: Float32Array | Int32Array }> {
  return [BACKEND_NAME, 'cpu'].map((b) => {
    tf.setBackend(b);
    return tf.tidy(() => {
      const ts = inputs.map((i, k) => {
        const random = Array.from(rand(i.shape, i.seed ?? 11 + k));
        const v = i.values ?? (i.dtype === 'int32' ? random.map((x) => Math.round(x * 5)) : random);
        return tf.tensor(v, i.shape, i.dtype ?? 'float32');
      });
      const r = f(...ts);
      return { shape: r.shape, dtype: r.dtype, values: r.dataSync() as Float32Array | Int32Array };
    });
  });
}

function expectClose(got: ReturnType<typeof both>[0], want: ReturnType<typeof both>[0], tol = 1e-5): void {
  expect(got.shape).toEqual(want.shape);
  expect(got.dtype).toBe(want.dtype);
  expect(got.values.length).toBe(want.values.length);
  for (let i = 0; i < want.values.length; i++) {
    const w = want.values[i], g = got.values[i];
    if (Number.isNaN(w)) expect(g).toBeNaN();
    else if (!Number.isFinite(w)) expect(g).toBe(w);
    else expect(Math.abs(g - w), `element ${i}: ${g} vs ${w}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(w)));
  }
}

describe('simdtrain tfjs backend', () => {
  it('is registered above cpu and inherits every cpu kernel', () => {
    expect(tf.findBackendFactory(BACKEND_NAME)).toBeDefined();
    const own = new Set(tf.getKernelsForBackend(BACKEND_NAME).map((k) => k.kernelName));
    for (const k of tf.getKernelsForBackend('cpu')) expect(own.has(k.kernelName), k.kernelName).toBe(true);
    for (const k of nativeKernels) expect(tf.getKernel(k.kernelName, BACKEND_NAME)!.kernelFunc).toBe(k.kernelFunc);
  });

  describe('matMul', () => {
    const cases: Array<[number[], number[], boolean, boolean]> = [
      [[3, 5], [5, 4], false, false], [[5, 3], [5, 4], true, false], [[3, 5], [4, 5], false, true], [[5, 3], [4, 5], true, true],
      [[2, 3, 5], [2, 5, 4], false, false], [[2, 3, 5], [1, 5, 4], false, false], [[1, 5, 3], [3, 4, 5], true, true],
      [[4, 2, 3, 5], [5, 7], false, false], [[1, 17], [17, 1], false, false], [[3, 0], [0, 4], false, false],
    ];
    for (const [sa, sb, ta, tb] of cases) {
      it(`${sa} x ${sb} (transposeA ${ta}, transposeB ${tb})`, () => {
        const [got, want] = both([{ shape: sa }, { shape: sb }], (a, b) => tf.matMul(a, b, ta, tb));
        expectClose(got, want);
      });
    }
    it('int32 inputs run the cpu kernel', () => {
      const [got, want] = both([{ shape: [2, 3], dtype: 'int32' }, { shape: [3, 2], dtype: 'int32' }], (a, b) => tf.matMul(a, b));
      expectClose(got, want, 0);
    });
    it('shape errors are tfjs errors', () => {
      tf.setBackend(BACKEND_NAME);
      expect(() => tf.matMul(tf.ones([2, 3]), tf.ones([4, 2]))).toThrow(/inner shapes/);
    });
  });

  describe('fused matMul', () => {
    const acts = ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'] as const;
    for (const activation of acts) {
      for (const biasShape of [[4], [1, 4], [3, 4], null]) {
        it(`${activation}, bias ${JSON.stringify(biasShape)}`, () => {
          const inputs = [{ shape: [3, 5] }, { shape: [4, 5] }, ...(biasShape ? [{ shape: biasShape }] : []), { shape: [4], seed: 99 }];
          const [got, want] = both(inputs, (a, b, ...rest) => tf.fused.matMul({
            a, b, transposeB: true, bias: biasShape ? rest[0] : undefined, activation,
            preluActivationWeights: activation === 'prelu' ? rest[rest.length - 1] : undefined, leakyreluAlpha: 0.3,
          }));
          expectClose(got, want);
        });
      }
    }
    it('relu keeps NaN', () => {
      const [got, want] = both([{ shape: [1, 2], values: [NaN, 1] }, { shape: [2, 2], values: [1, 0, 0, 1] }], (a, b) => tf.fused.matMul({ a, b, activation: 'relu' }));
      expectClose(got, want);
    });
    it('gradients match cpu', () => {
      const [got, want] = both([{ shape: [6, 5] }, { shape: [5, 4] }, { shape: [4] }], (a, b, c) => {
        const g = tf.grads((x: tf.Tensor, w: tf.Tensor, bias: tf.Tensor) => tf.sum(tf.square(tf.fused.matMul({ a: x, b: w, bias, activation: 'relu' }))));
        return tf.concat(g([a, b, c]).map((t) => t.flatten()));
      });
      expectClose(got, want, 1e-4);
    });
  });

  describe('binary ops (Add, Sub, Multiply, RealDiv): exact', () => {
    const ops: Array<[string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor]> = [['add', tf.add], ['sub', tf.sub], ['mul', tf.mul], ['div', tf.div]];
    const shapes: Array<[number[], number[]]> = [
      [[4, 5], [4, 5]], [[4, 5], [5]], [[5], [4, 5]], [[2, 3, 5], [1, 5]], [[4, 5], [4, 1]], [[4, 1], [4, 5]], [[4, 5], []], [[], [4, 5]],
      [[2, 3, 4], [3, 4]], [[2, 3, 4], [2, 1, 1]], [[2, 3, 4], [3, 1]], [[2, 1], [1, 3]], [[0, 5], [5]], [[33], [33]],
    ];
    for (const [name, op] of ops) {
      for (const [sa, sb] of shapes) {
        it(`${name} ${JSON.stringify(sa)} ${JSON.stringify(sb)}`, () => {
          const [got, want] = both([{ shape: sa }, { shape: sb }], op);
          expectClose(got, want, 0);
        });
      }
      it(`${name}: int32 and NaN/Infinity`, () => {
        const [g1, w1] = both([{ shape: [2, 3], dtype: 'int32' }, { shape: [3], dtype: 'int32', values: [1, 2, 3] }], op);
        expectClose(g1, w1, 0);
        const [g2, w2] = both([{ shape: [4], values: [NaN, Infinity, 1, 0] }, { shape: [4], values: [1, -Infinity, 0, 0] }], op);
        expectClose(g2, w2, 0);
      });
    }
  });

  it('Relu: exact, NaN kept, -0 -> 0; int32 on the cpu kernel', () => {
    const [g, w] = both([{ shape: [3, 7], values: [NaN, 0, -0, 1, -1, Infinity, -Infinity, ...Array.from(rand([14], 4))] }], (x) => tf.relu(x));
    expectClose(g, w, 0);
    expect(Object.is(g.values[2], -0)).toBe(Object.is(w.values[2], -0));
    const [g2, w2] = both([{ shape: [5], dtype: 'int32' }], (x) => tf.relu(x));
    expectClose(g2, w2, 0);
  });

  it('Step: exact, NaN kept, alpha', () => {
    const [g, w] = both([{ shape: [3, 7], values: [NaN, 0, -0, 1, -1, Infinity, -Infinity, ...Array.from(rand([14], 3))] }], (x) => tf.step(x, 0.25));
    expectClose(g, w, 0);
  });

  describe('Sum', () => {
    const cases: Array<[number[], number | number[] | null, boolean]> = [
      [[7, 5], 0, false], [[7, 5], 0, true], [[7, 5], 1, false], [[7, 5], -1, true], [[7, 5], null, false],
      [[2, 3, 4], [0, 1], false], [[2, 3, 4], [1, 2], true], [[2, 3, 4], 1, false], [[2, 3, 4], [0, 2], false], [[9], 0, false],
    ];
    for (const [shape, axis, keepDims] of cases) {
      it(`${JSON.stringify(shape)} axis ${JSON.stringify(axis)} keepDims ${keepDims}`, () => {
        const [got, want] = both([{ shape }], (x) => tf.sum(x, axis ?? undefined, keepDims));
        expectClose(got, want, 1e-6);
      });
    }
    it('int32 and bool', () => {
      const [g, w] = both([{ shape: [3, 4], dtype: 'int32' }], (x) => tf.sum(x, 0));
      expectClose(g, w, 0);
      const [g2, w2] = both([{ shape: [3, 4] }], (x) => tf.sum(tf.greater(x, 0), 0));
      expectClose(g2, w2, 0);
    });
  });

  describe('GatherV2', () => {
    for (const axis of [0, 1, 2, -1]) {
      it(`axis ${axis}`, () => {
        const [got, want] = both([{ shape: [4, 3, 5] }, { shape: [6], dtype: 'int32', values: [2, 0, 0, 2, 1, 2] }], (x, i) => tf.gather(x, i, axis));
        expectClose(got, want, 0);
      });
    }
    it('int32 data, 2-d indices, bad index error', () => {
      const [got, want] = both([{ shape: [5, 2], dtype: 'int32' }, { shape: [2, 2], dtype: 'int32', values: [4, 0, 1, 1] }], (x, i) => tf.gather(x, i));
      expectClose(got, want, 0);
      tf.setBackend(BACKEND_NAME);
      expect(() => tf.gather(tf.ones([3, 2]), tf.tensor1d([3], 'int32'))).toThrow(/index value 3 is not in \[0, 2\]/);
    });
  });
});
