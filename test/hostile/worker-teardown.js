// Class 4: Workers terminated (or exiting) while native work is pending or a
// synchronous call is building its result or throwing.
'use strict';
const { Worker } = require('node:worker_threads');

const body = (mode) => `
  const simd = require('./dist/gemm');
  const { native } = require('./dist/native');
  const n = 128;
  const a = new Float32Array(n * n).fill(1), b = new Float32Array(n * n).fill(1);
  const mode = ${JSON.stringify(mode)};
  if (mode === 'async') {
    for (let i = 0; i < 64; ++i) simd.sgemmAsync(false, false, n, n, n, 1, a, n, b, n, 0, new Float32Array(n * n), n).catch(() => {});
    require('node:worker_threads').parentPort.postMessage('queued');
  } else if (mode === 'exit') {
    for (let i = 0; i < 64; ++i) simd.sgemmAsync(false, false, n, n, n, 1, a, n, b, n, 0, new Float32Array(n * n), n).catch(() => {});
    process.exit(0);
  } else {
    require('node:worker_threads').parentPort.postMessage('queued');
    const out = new Float32Array(40 * 10), labels = new Int32Array(40);
    for (;;) {
      native.nnLoss(1, out, 40, 10, labels, null, 1, null); // builds an Array
      try { native.nnLoss(1, out, 40, 10, new Int32Array(40).fill(99), null, 1, null); } catch {} // throws
      try { simd.sgemm(false, false, 2, 2, 2, 1, a, 2, b, 2, 0, a, 1); } catch {}
      native.cpuInfo();
    }
  }
`;

const once = (mode, delayMs) =>
  new Promise((resolve, reject) => {
    const w = new Worker(body(mode), { eval: true });
    w.on('error', reject);
    w.on('exit', resolve);
    w.on('message', () => setTimeout(() => w.terminate(), delayMs));
  });

(async () => {
  for (let i = 0; i < 3; ++i) await once('async', i * 4);
  console.log('ok terminate while async work is pending');
  for (let i = 0; i < 2; ++i) await once('exit', 0);
  console.log('ok process.exit in a Worker with async work pending');
  for (let i = 0; i < 6; ++i) await once('sync', (i * 7) % 23);
  console.log('ok terminate during synchronous calls');
  // The main thread's addon still works afterwards.
  const simd = require('simdtrain');
  const c = new Float32Array(4);
  await simd.sgemmAsync(false, false, 2, 2, 2, 1, new Float32Array([1, 2, 3, 4]), 2, new Float32Array([1, 0, 0, 1]), 2, 0, c, 2);
  if (c[3] !== 4) throw new Error('main thread result wrong after Worker teardown');
  console.log('done');
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
