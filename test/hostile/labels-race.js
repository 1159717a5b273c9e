// Class 1 outside the training plan: labels on a SharedArrayBuffer that a
// Worker rewrites (to 2^30, -1, the class count) while nnLoss indexes with them.
'use strict';
const { Worker } = require('node:worker_threads');
const { native } = require('../../dist/native');

const rows = 4096, cols = 10;
const sab = new SharedArrayBuffer(4 * rows);
const labels = new Int32Array(sab);
const flag = new Int32Array(new SharedArrayBuffer(4));
const w = new Worker(`
  const { workerData } = require('node:worker_threads');
  const labels = new Int32Array(workerData.sab), flag = new Int32Array(workerData.flag);
  const bad = [2 ** 30, -1, ${cols}, -(2 ** 31)];
  for (let k = 0; Atomics.load(flag, 0) === 0; ++k) {
    for (let i = 0; i < labels.length; i += 17) labels[i] = bad[(i + k) & 3];
    for (let i = 0; i < labels.length; ++i) labels[i] = i % ${cols};
  }
`, { eval: true, workerData: { sab, flag: flag.buffer } });

const out = new Float32Array(rows * cols).fill(0.1), grad = new Float32Array(rows * cols);
const start = Date.now();
let calls = 0, refused = 0;
while (Date.now() - start < 1500) {
  try {
    const [sum] = native.nnLoss(1, out, rows, cols, labels, null, 1 / rows, grad);
    if (!Number.isFinite(sum)) throw new Error(`non-finite loss ${sum}`);
    ++calls;
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    ++refused;
  }
}
Atomics.store(flag, 0, 1);
w.terminate().then(() => {
  console.log(`ok nnLoss under racing labels (${calls} ran, ${refused} refused)`);
  console.log('done');
});
