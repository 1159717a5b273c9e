// Inputs for comparing the simdtrain tfjs backend with tfjs's cpu backend:
// a seeded generator, and running one tfjs function on both backends with a
// bit-for-bit check of the results.
import * as tf from '@tensorflow/tfjs';
import { BACKEND_NAME } from 'simdtrain/tfjs';
import { expect } from 'vitest';

/** n seeded uniform floats in [-scale, scale) (a 32-bit LCG). */
export function uniform(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  return out;
}

/** Special values mixed into `values`. */
export const SPECIAL = [0, -0, 1, -1, NaN, Infinity, -Infinity, 1e-7, 1 - 1e-7, 3e38, 1e-40];

/** n float32 values in [-3, 3), about one in seven replaced by a SPECIAL value. */
export function values(n: number, seed: number): number[] {
  const out: number[] = [];
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(s % 7 === 0 ? SPECIAL[s % SPECIAL.length] : Math.fround((s / 2 ** 32) * 6 - 3));
  }
  return out;
}

export interface Result { shape: number[]; dtype: string; values: number[] }

/** f on both backends, [simdtrain, cpu]; tensors from `inputs` (given values, or `values` of the shape's size). */
export function both(inputs: Array<{ shape: number[]; values?: number[]; dtype?: 'float32' | 'int32' }>, f: (...t: tf.Tensor[]) => tf.Tensor): [Result, Result] {
  const run = (b: string): Result => {
    tf.setBackend(b);
    return tf.tidy(() => {
      const ts = inputs.map((i, k) => tf.tensor(i.values ?? values(i.shape.reduce((p, q) => p * q, 1), 17 + 31 * k), i.shape, i.dtype ?? 'float32'));
      const r = f(...ts);
      return { shape: r.shape, dtype: r.dtype, values: Array.from(r.dataSync() as ArrayLike<number>) };
    });
  };
  return [run(BACKEND_NAME), run('cpu')];
}

/** Same shape, dtype and bits (Object.is: -0 and NaN too). */
export function expectSame([got, want]: [Result, Result]): void {
  expect(got.shape).toEqual(want.shape);
  expect(got.dtype).toBe(want.dtype);
  expect(got.values.length).toBe(want.values.length);
  for (let i = 0; i < want.values.length; i++) {
    if (!Object.is(got.values[i], want.values[i])) expect(`${i}: ${got.values[i]}`).toBe(`${i}: ${want.values[i]}`);
  }
}
