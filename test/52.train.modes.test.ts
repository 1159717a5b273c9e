// fit(): the three gradient-descent modes learn XOR and separable data,
// identical seeds give identical histories, and the options do what they say.
import { describe, expect, it } from 'vitest';
import { Dense, Sequential, type History } from 'simdtrain';
import { blobs, xor } from './helpers/datasets';
import { Adam, SGD } from 'simdtrain';

const xorModel = (seed: number) => new Sequential([new Dense(2, 16, { activation: 'tanh' }), new Dense(16, 2)], { seed });
const blobModel = (seed: number) => new Sequential([new Dense(5, 8, { activation: 'relu' }), new Dense(8, 2, { activation: 'softmax' })], { seed });

describe('batch, stochastic and mini-batch gradient descent', () => {
  it.each([['full', 400], [1, 150], [2, 200]] as const)('batchSize %s learns XOR', async (batchSize, epochs) => {
    const { x, y } = xor();
    const model = xorModel(3);
    const h = await model.fit(x, y, { optimizer: new Adam(model.parameters(), { lr: 0.03 }), batchSize, epochs, metrics: ['accuracy'], seed: 1 });
    expect(h.loss.at(-1)!).toBeLessThan(0.05);
    expect(h.accuracy.at(-1)).toBe(1);
    const pred = model.predict(x);
    for (let r = 0; r < 4; r++) expect(pred.data[r * 2 + y[r]]).toBeGreaterThan(pred.data[r * 2 + 1 - y[r]]);
  });

  it.each([['full', 60], [1, 2], [32, 6]] as const)('batchSize %s separates two blobs with plain SGD', async (batchSize, epochs) => {
    const train = blobs(512, 5, 7);
    const test = blobs(256, 5, 99);
    const model = blobModel(5);
    const lr = batchSize === 1 ? 0.01 : 0.3;
    const h = await model.fit(train.x, train.y, { optimizer: new SGD(model.parameters(), { lr }), batchSize, epochs, metrics: ['accuracy'] });
    expect(h.loss.at(-1)!).toBeLessThan(h.loss[0]);
    expect((await model.evaluate(test.x, test.y)).accuracy).toBeGreaterThan(0.95);
  });

  it('batch GD takes one step per epoch, SGD one per sample, mini-batch ceil(n/b)', async () => {
    const { x, y } = blobs(10, 5, 1);
    for (const [batchSize, steps] of [['full', 1], [1, 10], [4, 3]] as const) {
      const model = blobModel(1);
      let count = 0;
      const sizes: number[] = [];
      await model.fit(x, y, { optimizer: { step: () => void count++ }, batchSize, epochs: 2, callbacks: { onBatchEnd: (_b, l) => void sizes.push(l.size) } });
      expect(count).toBe(2 * steps);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(20);
    }
  });
});

describe('determinism', () => {
  const run = async (seed: number, shuffleSeed: number) => {
    const { x, y } = blobs(200, 5, 2);
    const model = blobModel(seed);
    const h = await model.fit(x, y, { optimizer: new Adam(model.parameters(), { lr: 0.01 }), batchSize: 16, epochs: 3, seed: shuffleSeed, metrics: ['accuracy'], validationSplit: 0.25 });
    return { h, weights: Float32Array.from(model.paramArena) };
  };
  const figures = (h: History) => [h.loss, h.accuracy, h.valLoss, h.valAccuracy];

  it('identical seeds give identical histories and weights', async () => {
    const a = await run(4, 9);
    const b = await run(4, 9);
    expect(figures(a.h)).toEqual(figures(b.h));
    expect(a.weights).toEqual(b.weights);
    const c = await run(4, 10);
    expect(c.h.loss).not.toEqual(a.h.loss);
    expect(new Sequential([new Dense(5, 8), new Dense(8, 2)], { seed: 4 }).paramArena).toEqual(new Sequential([new Dense(5, 8), new Dense(8, 2)], { seed: 4 }).paramArena);
  });
});

describe('fit options', () => {
  it('records per-epoch loss, metrics, validation figures, lr and seconds', async () => {
    const { x, y } = blobs(100, 5, 3);
    const v = blobs(40, 5, 4);
    const model = blobModel(2);
    const opt = new SGD(model.parameters(), { lr: 0.1 });
    const scheduler = { step: () => void (opt.lr! *= 0.5) };
    const h = await model.fit(x, y, { optimizer: opt, epochs: 3, batchSize: 10, validationData: [v.x, v.y], metrics: ['accuracy'], lrScheduler: scheduler });
    expect(h.epochs).toBe(3);
    for (const k of ['loss', 'accuracy', 'valLoss', 'valAccuracy', 'lr', 'seconds', 'samplesPerSecond'] as const) expect(h[k]).toHaveLength(3);
    expect(h.lr).toEqual([0.1, 0.05, 0.025]);
    expect(h.seconds.every((s) => s > 0)).toBe(true);
    const ev = await model.evaluate(v.x, v.y);
    expect(ev.loss).toBeCloseTo(h.valLoss[2], 5);
    expect(ev.accuracy).toBe(h.valAccuracy[2]);
  });

  it('callbacks run in order with the epoch figures', async () => {
    const { x, y } = blobs(20, 5, 3);
    const model = blobModel(2);
    const events: string[] = [];
    await model.fit(x, y, {
      optimizer: new SGD(model.parameters()), epochs: 2, batchSize: 10,
      callbacks: {
        onEpochBegin: (e) => void events.push(`begin${e}`),
        onBatchEnd: async (b) => void events.push(`batch${b}`),
        onEpochEnd: (e, logs) => void events.push(`end${e}:${Number.isFinite(logs.loss)}`),
        onTrainEnd: (h) => void events.push(`train${h.epochs}`),
      },
    });
    expect(events).toEqual(['begin0', 'batch0', 'batch1', 'end0:true', 'begin1', 'batch0', 'batch1', 'end1:true', 'train2']);
  });

  it('gradient accumulation over k batches equals one batch k times larger', async () => {
    const { x, y } = blobs(64, 5, 8);
    const grads: Float32Array[][] = [[], []];
    for (const [i, opts] of [[0, { batchSize: 8, gradAccumulationSteps: 4 }], [1, { batchSize: 32 }]] as const) {
      const model = blobModel(6);
      await model.fit(x, y, { ...opts, shuffle: false, epochs: 1, optimizer: { step: () => void grads[i].push(Float32Array.from(model.gradArena)) } });
    }
    expect(grads[0]).toHaveLength(2);
    grads[0].forEach((g, s) => g.forEach((v, i) => expect(v).toBeCloseTo(grads[1][s][i], 6)));
  });

  it('gradClipNorm caps the global gradient norm', async () => {
    const { x, y } = blobs(32, 5, 8);
    const model = blobModel(6);
    const norms: number[] = [];
    await model.fit(x, y, { optimizer: { step: () => void norms.push(Math.hypot(...model.gradArena)) }, batchSize: 'full', gradClipNorm: 1e-3, epochs: 2 });
    norms.forEach((n) => expect(n).toBeCloseTo(1e-3, 6));
  });

  it('early stopping stops after `patience` epochs without improvement and restores the best weights', async () => {
    const { x, y } = blobs(64, 5, 8);
    const model = blobModel(6);
    let epoch = 0;
    const snapshots: Float32Array[] = [];
    // An lr that explodes after epoch 1 makes the loss rise.
    const opt = new SGD(model.parameters(), { lr: 0.1 });
    const h = await model.fit(x, y, {
      optimizer: opt, batchSize: 'full', epochs: 20, earlyStopping: { monitor: 'loss', patience: 2, restoreBestWeights: true },
      callbacks: { onEpochEnd: () => void (snapshots.push(Float32Array.from(model.paramArena)), (opt.lr = ++epoch >= 2 ? 50 : 0.1)) },
    });
    expect(h.stoppedEarly).toBe(true);
    expect(h.epochs).toBeLessThan(20);
    expect(h.bestEpoch).toBeDefined();
    expect(model.paramArena).toEqual(snapshots[h.bestEpoch!]);
  });

  it('MSE regression with a Matrix target and binary cross-entropy with a sigmoid output', async () => {
    const { x, y } = blobs(128, 5, 11);
    const t = { rows: 128, cols: 1, data: Float32Array.from(y) };
    const reg = new Sequential([new Dense(5, 8, { activation: 'tanh' }), new Dense(8, 1)], { seed: 1 });
    const hr = await reg.fit(x, t, { optimizer: new Adam(reg.parameters(), { lr: 0.02 }), loss: 'mse', epochs: 30, batchSize: 32 });
    expect(hr.loss.at(-1)!).toBeLessThan(0.1);
    const clf = new Sequential([new Dense(5, 8, { activation: 'gelu' }), new Dense(8, 1, { activation: 'sigmoid' })], { seed: 1 });
    const hc = await clf.fit(x, t, { optimizer: new Adam(clf.parameters(), { lr: 0.02 }), loss: 'binaryCrossEntropy', epochs: 20, batchSize: 32, metrics: ['accuracy'] });
    expect(hc.accuracy.at(-1)!).toBeGreaterThan(0.95);
    const p = clf.predict(x);
    expect(p.data.every((v) => v > 0 && v < 1)).toBe(true); // predict applies the sigmoid
  });
});
