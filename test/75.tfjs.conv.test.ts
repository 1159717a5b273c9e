// The simdtrain tfjs backend's native convolution and pooling kernels
// against tfjs's cpu kernels: forward (plain, fused with bias and
// activations, depthwise), both gradients, max/avg pooling and gradients,
// over strides, 'same'/'valid'/explicit padding and dilations.
import * as tf from '@tensorflow/tfjs';
import { BACKEND_NAME } from 'simdtrain/tfjs';
import { describe, expect, it } from 'vitest';
import { uniform } from './helpers/tfjs-compare';

function onBoth(shapes: number[][], f: (...t: tf.Tensor[]) => tf.Tensor | tf.Tensor[]): Float32Array[][] {
  return [BACKEND_NAME, 'cpu'].map((b) => {
    tf.setBackend(b);
    return tf.tidy(() => {
      const ts = shapes.map((s, i) => tf.tensor(uniform(s.reduce((a, c) => a * c, 1), 31 + i), s));
      const r = f(...ts);
      return (Array.isArray(r) ? r : [r]).map((t) => t.dataSync() as Float32Array);
    });
  });
}

function expectClose(got: Float32Array[], want: Float32Array[], tol = 1e-4): void {
  expect(got.length).toBe(want.length);
  for (let k = 0; k < want.length; k++) {
    expect(got[k].length).toBe(want[k].length);
    let worst = 0;
    for (let i = 0; i < want[k].length; i++) worst = Math.max(worst, Math.abs(got[k][i] - want[k][i]) / Math.max(1, Math.abs(want[k][i])));
    expect(worst, `output ${k}`).toBeLessThanOrEqual(tol);
  }
}

describe('convolution kernels', () => {
  const geometries: Array<[string, number[], number[], [number, number], 'same' | 'valid' | number, [number, number]]> = [
    ['3x3 valid', [2, 9, 8, 3], [3, 3, 3, 5], [1, 1], 'valid', [1, 1]],
    ['3x3 same stride 2', [2, 9, 8, 3], [3, 3, 3, 4], [2, 2], 'same', [1, 1]],
    ['5x3 explicit pad 1, dilation 2', [1, 11, 10, 2], [5, 3, 2, 3], [1, 1], 1, [2, 2]],
    ['1x1', [3, 4, 4, 6], [1, 1, 6, 2], [1, 1], 'valid', [1, 1]],
  ];
  for (const [name, xs, ws, strides, pad, dil] of geometries) {
    // tfjs has no gradients for dilated convolutions: forward only there.
    const grads = dil[0] === 1;
    it(`conv2d ${name}: forward${grads ? ' and both gradients' : ''}`, () => {
      const r = onBoth([xs, ws], (x, w) => {
        const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad, 'NHWC', dil)));
        return [tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, strides, pad, 'NHWC', dil), ...(grads ? tf.grads(f)([x, w]) : [])];
      });
      expectClose(r[0], r[1]);
    });
    it(`fused conv2d ${name}: bias + relu and bias + elu${grads ? ', gradients' : ''}`, () => {
      const r = onBoth([xs, ws, [ws[3]]], (x, w, b) => {
        const out: tf.Tensor[] = [];
        for (const activation of ['relu', 'elu'] as const) {
          const f = (a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.square(tf.fused.conv2d({ x: a as tf.Tensor4D, filter: c as tf.Tensor4D, strides, pad, dilations: dil, bias: d, activation })));
          out.push(tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides, pad, dilations: dil, bias: b, activation }), ...(grads ? tf.grads(f)([x, w, b]) : []));
        }
        return out;
      });
      expectClose(r[0], r[1]);
    });
  }

  it('depthwise conv2d (multiplier 2, stride 2, same): forward and gradients', () => {
    const r = onBoth([[2, 7, 8, 3], [3, 3, 3, 2]], (x, w) => {
      const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')));
      return [tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same'), ...tf.grads(f)([x, w])];
    });
    expectClose(r[0], r[1]);
  });

  for (const [pool, size, stride, pad] of [['max', 2, 2, 'valid'], ['max', 3, 2, 'same'], ['avg', 2, 2, 'valid'], ['avg', 3, 1, 'same']] as const) {
    it(`${pool} pool ${size}x${size} stride ${stride} ${pad}: forward and gradient`, () => {
      const r = onBoth([[2, 9, 8, 3]], (x) => {
        const p = (a: tf.Tensor) => (pool === 'max' ? tf.maxPool : tf.avgPool)(a as tf.Tensor4D, size, stride, pad);
        return [p(x), tf.grad((a: tf.Tensor) => tf.sum(tf.square(p(a))))(x)];
      });
      expectClose(r[0], r[1], 1e-6);
    });
  }

  it('max pooling skips NaN as tfjs does', () => {
    const r = [BACKEND_NAME, 'cpu'].map((b) => {
      tf.setBackend(b);
      return tf.tidy(() => {
        const x = tf.tensor4d([1, NaN, 3, 4, 5, 6, 7, 8, NaN], [1, 3, 3, 1]);
        return [tf.maxPool(x, 2, 1, 'valid').dataSync() as Float32Array, tf.grad((a: tf.Tensor) => tf.sum(tf.maxPool(a as tf.Tensor4D, 2, 1, 'valid')))(x).dataSync() as Float32Array];
      });
    });
    expect(r[0]).toEqual(r[1]);
  });

  it('NCHW and non-float32 inputs run the cpu kernel', () => {
    const r = onBoth([[1, 2, 5, 5], [3, 3, 2, 2]], (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same', 'NCHW'));
    expectClose(r[0], r[1], 0);
  });
});
