// Classes 1, 2 and 8 in the training API: labels rewritten mid-fit (by JS
// and by a Worker through a SharedArrayBuffer), inputs transferred or shrunk
// while a step is pending, loadWeights racing fit, and fit on an empty
// dataset that must still yield to the event loop.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const { simd, asyncCase, detach, gcPressure } = require('./probe-util');

const rows = 512, inF = 16, classes = 4;
const model = () => new simd.Sequential([new simd.Dense(inF, 32, { activation: 'relu' }), new simd.Dense(32, classes)], { seed: 3 });
const data = (buffer) => {
  const x = new Float32Array(buffer ?? new ArrayBuffer(4 * rows * inF));
  for (let i = 0; i < x.length; i++) x[i] = ((i * 7919) % 13) / 13 - 0.5;
  return { rows, cols: inF, data: x };
};
const labels = (buffer) => {
  const y = new Int32Array(buffer ?? new ArrayBuffer(4 * rows));
  for (let i = 0; i < rows; i++) y[i] = i % classes;
  return y;
};
const opts = (extra = {}) => ({ optimizer: new simd.SGD(m.parameters(), { lr: 0.01 }), epochs: 3, batchSize: 32, loss: 'softmaxCrossEntropy', ...extra });
let m;

(async () => {
  for (const bad of [2 ** 30, -1, classes, -(2 ** 31)]) {
    await asyncCase(`label ${bad} written by JS between batches`, async () => {
      m = model();
      const y = labels();
      await m.fit(data(), y, opts({ callbacks: { onBatchEnd: (b) => { if (b === 2) y.fill(bad, 0, rows); } } }));
    });
    await asyncCase(`label ${bad} written right after fit() is called`, async () => {
      m = model();
      const y = labels();
      const p = m.fit(data(), y, opts());
      y.fill(bad);
      await p;
    });
  }
  await asyncCase('labels on a SharedArrayBuffer rewritten by a Worker during fit', async () => {
    m = model();
    const y = labels(new SharedArrayBuffer(4 * rows));
    const stop = new Int32Array(new SharedArrayBuffer(4));
    const w = new Worker(`
      const { workerData } = require('node:worker_threads');
      const y = new Int32Array(workerData.y), stop = new Int32Array(workerData.stop);
      const bad = [2 ** 30, -1, ${classes}];
      for (let k = 0; Atomics.load(stop, 0) === 0; k++) for (let i = 0; i < y.length; i += 3) y[i] = (k & 1) ? bad[i % 3] : i % ${classes};
    `, { eval: true, workerData: { y: y.buffer, stop: stop.buffer } });
    try {
      await m.fit(data(), y, opts({ epochs: 5 }));
    } finally {
      Atomics.store(stop, 0, 1);
      await w.terminate();
    }
  });
  await asyncCase('a 16 MB x transferred right after fit() is called', async () => {
    m = model();
    const big = 1 << 18;
    const x = { rows: big, cols: inF, data: new Float32Array(big * inF).fill(0.25) };
    const y = new Int32Array(big).map((_, i) => i % classes);
    const p = m.fit(x, y, opts({ epochs: 1, batchSize: 4096 }));
    detach(x.data.buffer); // dropped at once: its memory goes back to the OS
    gcPressure();
    await p;
  });
  await asyncCase('x and labels shrunk to 0 between batches', async () => {
    m = model();
    const xb = new ArrayBuffer(4 * rows * inF, { maxByteLength: 4 * rows * inF });
    const yb = new ArrayBuffer(4 * rows, { maxByteLength: 4 * rows });
    const x = data(xb), y = labels(yb);
    await m.fit(x, y, opts({ callbacks: { onBatchEnd: (b) => { if (b === 1) { xb.resize(0); yb.resize(0); } } } }));
  });
  await asyncCase("a parameter's buffer transferred while fit runs", async () => {
    m = model();
    const p = m.fit(data(), labels(), opts());
    try {
      detach(m.parameters()[0].data.buffer);
    } catch (e) {
      if (e.name !== 'DataCloneError') throw e; // the arenas cannot be transferred: fine
    }
    gcPressure();
    await p;
  });
  await asyncCase('evaluate with x transferred while pending', async () => {
    m = model();
    const x = data();
    const p = m.evaluate(x, labels(), { loss: 'softmaxCrossEntropy' });
    detach(x.data.buffer);
    await p;
  });

  // loadWeights racing fit: either one is refused, and the weights fit
  // trains are never replaced mid-training.
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'simdtrain-race-')), 'w.safetensors');
  m = model();
  await m.save(file);
  const loading = m.loadWeights(file);
  let fitError = null, loadError = null;
  const fitting = m.fit(data(), labels(), opts({ epochs: 2 })).catch((e) => (fitError = e));
  await loading.catch((e) => (loadError = e));
  await fitting;
  if (!fitError && !loadError) throw new Error('loadWeights and fit ran at the same time');
  for (const e of [fitError, loadError]) if (e && !/busy|in use|idle|running|loading|training/i.test(e.message)) throw new Error(`unexpected error: ${e.message}`);
  console.log('ok loadWeights racing fit: one is refused');

  // Empty dataset, many epochs: must not starve timers and the AbortSignal.
  m = model();
  const empty = { rows: 0, cols: inF, data: new Float32Array(0) };
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  const t0 = Date.now();
  const outcome = await m.fit(empty, new Int32Array(0), opts({ epochs: 1e6, signal: AbortSignal.timeout(50) })).then(() => 'resolved', (e) => e);
  clearInterval(timer);
  const ms = Date.now() - t0;
  if (ms > 5000) throw new Error(`empty fit took ${ms} ms`);
  if (outcome !== 'resolved' && !(outcome instanceof RangeError || outcome instanceof TypeError || (outcome && outcome.name === 'AbortError'))) throw new Error(`empty fit: ${outcome}`);
  console.log(`ok empty fit: ${outcome === 'resolved' ? 'resolved' : outcome.name} in ${ms} ms (${ticks} timer ticks)`);
  console.log('done');
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
