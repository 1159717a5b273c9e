// fit() runs off the main thread: the event loop stays responsive, and an
// AbortSignal stops training between batches leaving a usable model.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { AbortError, Dense, Sequential } from 'simdtrain';
import { randomFloats } from './helpers/data';
import { Adam } from 'simdtrain';

function mnistLike(n: number) {
  const x = { rows: n, cols: 784, data: randomFloats(n * 784, 5).map((v) => Math.max(0, v)) };
  const y = Int32Array.from({ length: n }, (_, i) => (i * 7) % 10);
  return { x, y };
}
const mlp = () => new Sequential([new Dense(784, 256, { activation: 'relu' }), new Dense(256, 128, { activation: 'relu' }), new Dense(128, 10)], { seed: 1 });

describe('event loop', () => {
  it('p99 event-loop delay stays below 20 ms while fit runs (~1.5 s of training)', async () => {
    const { x, y } = mnistLike(2048);
    const model = mlp();
    const controller = new AbortController();
    const histogram = monitorEventLoopDelay({ resolution: 1 });
    let ticks = 0;
    const timer = setInterval(() => void ticks++, 5);
    histogram.enable();
    const t0 = performance.now();
    const stopper = setTimeout(() => controller.abort(), 1500);
    const result = await model
      .fit(x, y, { optimizer: new Adam(model.parameters()), batchSize: 128, epochs: 1000, signal: controller.signal })
      .catch((e) => e);
    const elapsed = performance.now() - t0;
    histogram.disable();
    clearInterval(timer);
    clearTimeout(stopper);
    expect(result).toBeInstanceOf(AbortError);
    expect((result as AbortError).history.epochs).toBeGreaterThan(0);
    const p99 = histogram.percentile(99) / 1e6;
    expect(p99, `p99 event-loop delay ${p99.toFixed(2)} ms`).toBeLessThan(20);
    expect(ticks).toBeGreaterThan((elapsed / 5) * 0.5); // a 5 ms timer kept firing
  });
});

describe('abort', () => {
  it('rejects with AbortError between batches; model and optimizer stay consistent and usable', async () => {
    const { x, y } = mnistLike(640);
    const model = mlp();
    const controller = new AbortController();
    let steps = 0;
    const adam = new Adam(model.parameters(), { lr: 1e-3 });
    const optimizer = { step: () => (steps++, adam.step()) };
    let batches = 0;
    const err = await model
      .fit(x, y, {
        optimizer, batchSize: 64, epochs: 5,
        callbacks: { onBatchEnd: () => void (++batches === 13 && controller.abort()) },
        signal: controller.signal,
      })
      .catch((e) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect(err.name).toBe('AbortError');
    expect(steps).toBe(13); // stopped right after the 13th step, no half-applied batch
    expect(err.history.epochs).toBe(1); // epoch 0 completed (10 batches), epoch 1 aborted
    expect(model.paramArena.every(Number.isFinite)).toBe(true);
    const before = Float32Array.from(model.paramArena);
    expect(model.predict({ rows: 2, cols: 784, data: x.data.subarray(0, 1568) }).rows).toBe(2);
    const h = await model.fit(x, y, { optimizer, batchSize: 64, epochs: 1 });
    expect(h.epochs).toBe(1);
    expect(model.paramArena).not.toEqual(before);
  });

  it('an already-aborted signal trains nothing', async () => {
    const { x, y } = mnistLike(64);
    const model = mlp();
    const before = Float32Array.from(model.paramArena);
    await expect(model.fit(x, y, { optimizer: new Adam(model.parameters()), signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
    expect(model.paramArena).toEqual(before);
  });

  it('the model refuses forward/predict/fit while fit runs', async () => {
    const { x, y } = mnistLike(256);
    const model = mlp();
    const running = model.fit(x, y, { optimizer: new Adam(model.parameters()), batchSize: 32, epochs: 1 });
    expect(() => model.predict(x)).toThrow(/training/);
    expect(() => model.forward(x)).toThrow(/training/);
    await expect(model.fit(x, y, { optimizer: new Adam(model.parameters()) })).rejects.toThrow(/training/);
    await running;
    expect(model.predict(x).rows).toBe(256);
  });
});
