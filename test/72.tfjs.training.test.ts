// End to end: the same tfjs-layers model trained on tfjs's cpu backend
// (tfjs's own Adam) and on the simdtrain backend (native kernels, native
// Adam) gives the same loss curve within float tolerance; a long fit on
// the simdtrain backend leaks no tensors, no backend memory and no RSS.
import * as tf from '@tensorflow/tfjs';
import { nativeTrain, useNativeOptimizers } from 'simdtrain/tfjs';
import { describe, expect, it } from 'vitest';

function data(n: number, inputs: number, classes: number): { x: tf.Tensor; y: tf.Tensor } {
  return tf.tidy(() => {
    const x = tf.randomUniform([n, inputs], -1, 1, 'float32', 5);
    // A learnable target: the class is the argmax of a fixed projection.
    const labels = tf.argMax(tf.matMul(x, tf.randomNormal([inputs, classes], 0, 1, 'float32', 6)), 1);
    return { x, y: tf.oneHot(labels, classes).toFloat() };
  });
}

function mlp(inputs: number, hidden: number[], classes: number): tf.Sequential {
  const model = tf.sequential();
  hidden.forEach((units, i) => model.add(tf.layers.dense({
    units, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 10 + i }),
    ...(i === 0 ? { inputShape: [inputs] } : {}),
  })));
  model.add(tf.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 99 }) }));
  return model;
}

async function lossCurve(backend: string, optimizer: () => tf.Optimizer): Promise<number[]> {
  await tf.setBackend(backend);
  const { x, y } = data(96, 20, 4);
  const model = mlp(20, [32, 16], 4);
  model.compile({ optimizer: optimizer(), loss: 'categoricalCrossentropy' });
  const history = await model.fit(x, y, { batchSize: 16, epochs: 8, shuffle: false, verbose: 0 });
  tf.dispose([x, y]);
  model.dispose();
  return history.history.loss as number[];
}

describe('tfjs-layers training on the simdtrain backend', () => {
  it('gives the loss curve of the cpu backend (Adam, MLP)', async () => {
    useNativeOptimizers(false);
    const cpu = await lossCurve('cpu', () => tf.train.adam(0.01));
    useNativeOptimizers(true);
    const native = await lossCurve('simdtrain', () => tf.train.adam(0.01));
    expect(native.length).toBe(8);
    expect(native[7]).toBeLessThan(native[0] * 0.8); // it learns
    for (let i = 0; i < cpu.length; i++) expect(Math.abs(native[i] - cpu[i]), `epoch ${i}: ${native[i]} vs ${cpu[i]}`).toBeLessThan(1e-4 * Math.max(1, cpu[i]));
  });

  it('accepts the native optimizers and the optimizer names in compile', async () => {
    for (const optimizer of [nativeTrain.rmsprop(0.01), 'adam', 'sgd'] as const) {
      await tf.setBackend('simdtrain');
      const { x, y } = data(32, 20, 4);
      const model = mlp(20, [8], 4);
      model.compile({ optimizer, loss: 'categoricalCrossentropy' });
      const h = await model.fit(x, y, { batchSize: 16, epochs: 2, verbose: 0 });
      expect(Number.isFinite(h.history.loss[1] as number)).toBe(true);
      tf.dispose([x, y]);
      model.dispose();
    }
  });

  it('leaks nothing over a long fit (tensors, backend bytes, RSS)', async () => {
    await tf.setBackend('simdtrain');
    const { x, y } = data(512, 784, 10);
    const model = mlp(784, [64], 10);
    model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
    const fit = (epochs: number) => model.fit(x, y, { batchSize: 32, epochs, verbose: 0 });
    await fit(2); // optimizer state and caches exist from here on
    const before = tf.memory();
    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    await fit(25); // 400 steps
    global.gc?.();
    const rss1 = process.memoryUsage().rss;
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    expect(after.numDataBuffers).toBe(before.numDataBuffers);
    // 400 steps churn ~300 MB of tensors; a leak of one batch per step would be +40 MB.
    // Under AddressSanitizer (CI's LD_PRELOAD run) freed memory sits in ASan's quarantine,
    // so RSS says nothing about leaks there; the tensor counts above still do.
    if (!/libasan/.test(process.env.LD_PRELOAD ?? '')) expect(rss1 - rss0).toBeLessThan(32 * 1024 * 1024);
    tf.dispose([x, y]);
    model.dispose();
  });
});
