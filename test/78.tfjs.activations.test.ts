// The simdtrain tfjs backend's LeakyRelu, Prelu, Relu6 and Elu against tfjs's
// cpu kernels on the same inputs, bit for bit: NaN, -0, infinities,
// denormals, alphas that are float32s (LeakyRelu's native path, every ISA)
// and ones that are not, zero, negative and non-finite alphas, sizes around
// the pool threshold and vector tails, gradients (tfjs's registered ones
// through Select, Multiply, Greater...), plus the fallbacks (other dtypes,
// other Prelu broadcasts), and a tfjs-layers model with all four trained on
// both backends.
import * as tf from '@tensorflow/tfjs';
import { BACKEND_NAME, nativeKernels } from 'simdtrain/tfjs';
import { describe, expect, it } from 'vitest';
import { withEachIsa } from './helpers/isa';
import { both, expectSame, uniform, values } from './helpers/tfjs-compare';

const EDGES = [-0, 0, NaN, Infinity, -Infinity, 1e-40, -1e-40, -1e-45, 3e38, -3e38, 6, Math.fround(6.0000005), -1, 1, 5.5, -20, -100, -1e-7];
const SIZES = [EDGES.length, 1, 7, 9, 4096, 4099];

/** values(n) with EDGES at the front when they fit. */
function input(n: number): number[] {
  const v = values(n, n + 3);
  if (n >= EDGES.length) v.splice(0, EDGES.length, ...EDGES);
  return v;
}

describe('simdtrain tfjs backend: LeakyRelu, Prelu, Relu6, Elu', () => {
  it('are registered', () => {
    const names = new Set(nativeKernels.map((k) => k.kernelName));
    for (const k of ['LeakyRelu', 'Prelu', 'Relu6', 'Elu']) expect(names.has(k), k).toBe(true);
  });

  it('LeakyRelu: float32 alphas (native, every ISA) bit for bit', () => {
    withEachIsa(() => {
      for (const alpha of [0.25, 0.5, 1, 2, Math.fround(0.3), 1e-30]) {
        for (const n of SIZES) expectSame(both([{ shape: [n], values: input(n) }], (x) => tf.leakyRelu(x, alpha)));
        // a view at an odd offset (tfjs's cpu Slice shares the buffer)
        expectSame(both([{ shape: [4100], values: input(4100) }], (x) => tf.leakyRelu(tf.slice(x, [1], [4099]), alpha)));
      }
    });
  });

  it('LeakyRelu: other alphas (tfjs 0.2, layers 0.3, zero, negative, non-finite) bit for bit', () => {
    for (const alpha of [0.2, 0.3, 0.01, 0, -0, -0.5, -2, Infinity, -Infinity, NaN, 1e300]) {
      for (const n of SIZES) expectSame(both([{ shape: [n], values: input(n) }], (x) => tf.leakyRelu(x, alpha)));
    }
    expectSame(both([{ shape: [3, 5, 7] }], (x) => tf.leakyRelu(x)));
  });

  it('LeakyRelu: gradients, the layer, other dtypes and empty tensors as tfjs', () => {
    for (const alpha of [0.2, 0.25]) {
      expectSame(both([{ shape: [33], values: input(33) }], (x) => tf.grad((v: tf.Tensor) => tf.leakyRelu(v, alpha).mul(v).sum())(x)));
    }
    expectSame(both([{ shape: [4, 6] }], (x) => tf.layers.leakyReLU().apply(x) as tf.Tensor));
    const viaKernel = (x: tf.Tensor) => tf.engine().runKernel('LeakyRelu', { x }, { alpha: 0.5 }) as tf.Tensor;
    expectSame(both([{ shape: [4], dtype: 'int32', values: [1, -2, 3, 0] }], viaKernel));
    expectSame(both([{ shape: [0, 2] }], (x) => tf.leakyRelu(x, 0.25)));
  });

  describe('Prelu', () => {
    const shapes: Array<[number[], number[]]> = [[[2, 3, 4], [2, 3, 4]], [[2, 3, 4], [4]], [[2, 3, 4], [3, 4]], [[2, 3, 4], [1, 1, 4]], [[2, 3, 4], []],
      [[5, 4, 4, 3], [1, 1, 3]], [[1, 4099], [4099]], [[4099], [1]]];
    it('alphas repeating along x (same shape, per channel, scalar) bit for bit', () => {
      for (const [xs, as] of shapes) {
        expectSame(both([{ shape: xs }, { shape: as }], (x, a) => tf.prelu(x, a)));
      }
      const n = EDGES.length;
      const alphas = [0.25, 0.2, 0, -0, -1, NaN, Infinity, -Infinity, 1e-40, 2, 3e38, 0.3, 1, -0.5, 7, 1e-7, 0.1, 5];
      expectSame(both([{ shape: [n], values: EDGES }, { shape: [n], values: alphas }], (x, a) => tf.prelu(x, a)));
      expectSame(both([{ shape: [n], values: EDGES.map((v) => -Math.abs(v)) }, { shape: [n], values: alphas }], (x, a) => tf.prelu(x, a)));
    });
    it('other broadcasts, dtypes and empty tensors run tfjs\'s cpu kernel', () => {
      expectSame(both([{ shape: [3, 4] }, { shape: [3, 1] }], (x, a) => tf.prelu(x, a)));
      expectSame(both([{ shape: [4] }, { shape: [3, 4] }], (x, a) => tf.prelu(x, a)));
      const viaKernel = (x: tf.Tensor, alpha: tf.Tensor) => tf.engine().runKernel('Prelu', { x, alpha }) as tf.Tensor;
      expectSame(both([{ shape: [4], dtype: 'int32', values: [1, -2, 3, 0] }, { shape: [], values: [0.5] }], viaKernel));
      expectSame(both([{ shape: [0, 4] }, { shape: [4] }], (x, a) => tf.prelu(x, a)));
    });
    it('gradients for x and alpha, and the layer, as tfjs', () => {
      expectSame(both([{ shape: [6, 4] }, { shape: [4] }], (x, a) => tf.grads((v: tf.Tensor, w: tf.Tensor) => tf.prelu(v, w).mul(v).sum())([x, a])[0]));
      expectSame(both([{ shape: [6, 4] }, { shape: [6, 4] }], (x, a) => tf.grads((v: tf.Tensor, w: tf.Tensor) => tf.prelu(v, w).mul(v).sum())([x, a])[1]));
      // A per-channel alpha's gradient is a Sum over the batch: simdtrain's native column sums (float32) vs tfjs's (double).
      const [got, want] = both([{ shape: [6, 4], values: Array.from(uniform(24, 5)) }, { shape: [4] }], (x, a) => tf.grads((v: tf.Tensor, w: tf.Tensor) => tf.prelu(v, w).mul(v).sum())([x, a])[1]);
      expect(got.shape).toEqual(want.shape);
      for (let i = 0; i < want.values.length; i++) expect(Math.abs(got.values[i] - want.values[i])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want.values[i])));
      expectSame(both([{ shape: [2, 3, 5] }], (x) => tf.layers.prelu({ alphaInitializer: tf.initializers.constant({ value: 0.3 }) }).apply(x) as tf.Tensor));
    });
  });

  for (const [name, op, layer] of [['Relu6', tf.relu6, 'relu6'], ['Elu', tf.elu, 'elu']] as const) {
    describe(name, () => {
      it('bit for bit over special values, sizes and shapes', () => {
        for (const n of SIZES) expectSame(both([{ shape: [n], values: input(n) }], (x) => op(x)));
        // Elu: exp near 0 and below float32's exp range; Relu6: the clamp bounds
        const near = Array.from({ length: 64 }, (_, i) => Math.fround((i - 32) / 8) * (i % 3 === 0 ? 1e-6 : 1) - (i % 5 === 0 ? 100 : 0));
        expectSame(both([{ shape: [8, 8], values: near }], (x) => op(x)));
        expectSame(both([{ shape: [3, 5, 7] }], (x) => op(x)));
      });
      it('gradient, the activation in a layer, other dtypes and empty tensors as tfjs', () => {
        expectSame(both([{ shape: [33], values: input(33) }], (x) => tf.grad((v: tf.Tensor) => op(v).mul(v).sum())(x)));
        expectSame(both([{ shape: [4, 6] }], (x) => tf.layers.activation({ activation: layer }).apply(x) as tf.Tensor));
        const viaKernel = (x: tf.Tensor) => tf.engine().runKernel(name, { x }) as tf.Tensor;
        expectSame(both([{ shape: [5], dtype: 'int32', values: [1, -2, 3, 0, 9] }], viaKernel));
        expectSame(both([{ shape: [0, 2] }], (x) => op(x)));
      });
    });
  }

  it('a tfjs-layers model with ELU, LeakyReLU, ReLU6 and PReLU trains to the cpu backend\'s loss curve', async () => {
    const curve = async (backend: string): Promise<number[]> => {
      await tf.setBackend(backend);
      const x = tf.tensor(Array.from(uniform(64 * 12, 3)), [64, 12]);
      const y = tf.tidy(() => tf.oneHot(tf.argMax(tf.matMul(x, tf.tensor(Array.from(uniform(12 * 4, 4)), [12, 4])), 1), 4).toFloat());
      const init = (seed: number) => tf.initializers.glorotUniform({ seed });
      const model = tf.sequential({ layers: [
        tf.layers.dense({ inputShape: [12], units: 16, activation: 'elu', kernelInitializer: init(1) }),
        tf.layers.leakyReLU(),
        tf.layers.dense({ units: 16, activation: 'relu6', kernelInitializer: init(2) }),
        tf.layers.prelu({ alphaInitializer: tf.initializers.constant({ value: 0.25 }) }),
        tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: init(3) }),
      ] });
      model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
      const h = await model.fit(x, y, { batchSize: 16, epochs: 6, shuffle: false, verbose: 0 });
      tf.dispose([x, y]);
      model.dispose();
      return h.history.loss as number[];
    };
    const cpu = await curve('cpu');
    const ours = await curve(BACKEND_NAME);
    expect(ours[5]).toBeLessThan(ours[0]); // it learns
    for (let i = 0; i < cpu.length; i++) expect(Math.abs(ours[i] - cpu[i]), `epoch ${i}: ${ours[i]} vs ${cpu[i]}`).toBeLessThan(1e-5 * Math.max(1, cpu[i]));
  });
});
