// The simdtrain tfjs backend's buffer pool (lib/tfjs/pool.ts): outputs of
// native kernels reuse the storage of disposed ones. Checked: a training
// step's results equal tfjs's cpu backend when every reused buffer held NaN; what the user read (dataSync) and views that
// share storage (cpu Slice) are never overwritten; the pool is bounded and
// tf.memory() is unaffected.
import * as tf from '@tensorflow/tfjs';
import { BACKEND_NAME, type SimdtrainBackend } from 'simdtrain/tfjs';
import { POOL_MAX_BYTES } from '../dist/tfjs/pool';
import { describe, expect, it } from 'vitest';
import { randomFloats } from './helpers/data';

const rand = randomFloats;

const pool = () => (tf.backend() as SimdtrainBackend).pool;

// One conv + dense step's forward and gradients: every pooled kernel
// (Conv2D, both conv gradients, MaxPool(Grad), BatchMatMul, Add, Relu, Step,
// Multiply, Sum, Sigmoid, Tanh, Softmax) on outputs of >= 4096 floats.
function step(): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.tensor(rand(16 * 12 * 12 * 16, 1), [16, 12, 12, 16]);
    const w1 = tf.tensor(rand(3 * 3 * 16 * 32, 2), [3, 3, 16, 32]);
    const b = tf.tensor(rand(32, 3), [32]);
    const w2 = tf.tensor(rand(3 * 3 * 32 * 32, 4), [3, 3, 32, 32]);
    const d = tf.tensor(rand(4 * 4 * 32 * 320, 5), [4 * 4 * 32, 320]);
    const f = (w1v: tf.Tensor, bv: tf.Tensor, w2v: tf.Tensor, dv: tf.Tensor) => {
      const c1 = tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, w1v as tf.Tensor4D, 1, 'valid'), bv));
      const c2 = tf.relu(tf.conv2d(c1 as tf.Tensor4D, w2v as tf.Tensor4D, 1, 'valid'));
      const p = tf.maxPool(c2 as tf.Tensor4D, 2, 2, 'valid').reshape([16, 4 * 4 * 32]);
      const h = tf.tanh(tf.matMul(p as tf.Tensor2D, dv as tf.Tensor2D));
      return tf.softmax(tf.sigmoid(h).mul(h)).sum();
    };
    const g = tf.grads(f)([w1, b, w2, d]);
    return [f(w1, b, w2, d), ...g].map((t) => t.dataSync() as Float32Array);
  });
}

function expectClose(got: Float32Array[], want: Float32Array[], tol = 1e-4): void {
  for (let k = 0; k < want.length; k++) {
    let worst = 0;
    for (let i = 0; i < want[k].length; i++) worst = Math.max(worst, Math.abs(got[k][i] - want[k][i]) / Math.max(1, Math.abs(want[k][i])));
    expect(worst, `output ${k}`).toBeLessThanOrEqual(tol);
  }
}

describe('buffer pool of the simdtrain backend', () => {
  it('reused (NaN-filled) buffers give the same step as tfjs cpu, and the pool is live and bounded', () => {
    tf.setBackend('cpu');
    const want = step();
    tf.setBackend(BACKEND_NAME);
    const before = tf.memory().numTensors;
    step(); // fills the pool with this step's buffers
    // Poison every free buffer: a kernel that leaves part of its output unwritten shows as NaN.
    const free = (pool() as unknown as { free: Map<number, Float32Array[]> }).free;
    let poisoned = 0;
    for (const list of free.values()) for (const a of list) { a.fill(NaN); poisoned++; }
    expect(poisoned).toBeGreaterThan(10);
    const pooled = pool().pooledBytes();
    expect(pooled).toBeGreaterThan(0);
    expect(pooled).toBeLessThanOrEqual(POOL_MAX_BYTES);
    const got = step();
    expect(pool().pooledBytes()).toBe(pooled); // the same buffers taken and given back: nothing new allocated
    expectClose(got, want);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('never reuses storage the user read with dataSync()', () => {
    tf.setBackend(BACKEND_NAME);
    const x = tf.tensor(rand(8192, 5), [64, 128]);
    const t = tf.relu(x);
    const read = t.dataSync() as Float32Array;
    const copy = read.slice();
    t.dispose();
    const others = Array.from({ length: 4 }, (_, i) => tf.relu(tf.tensor(rand(8192, 9 + i), [64, 128])));
    expect(read).toEqual(copy);
    tf.dispose([x, ...others]);
  });

  it('a view sharing an output (cpu Slice) keeps its values after the output is disposed', () => {
    tf.setBackend(BACKEND_NAME);
    const x = tf.tensor(rand(8192, 6), [64, 128]);
    const t = tf.relu(x);
    const s = tf.slice(t, [0, 0], [32, 128]); // contiguous: tfjs's cpu Slice returns a subarray
    t.dispose();
    const others = Array.from({ length: 4 }, (_, i) => tf.relu(tf.tensor(rand(8192, 20 + i), [64, 128])));
    const want = Float32Array.from(rand(8192, 6).subarray(0, 4096), (v) => Math.max(0, v));
    expect(s.dataSync()).toEqual(want);
    tf.dispose([x, s, ...others]);
  });
});
