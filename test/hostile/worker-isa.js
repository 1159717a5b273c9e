// Class 11: setIsa / setNumThreads in a Worker act on the whole process.
'use strict';
const { Worker } = require('node:worker_threads');
const simd = require('simdtrain');

const before = simd.cpuInfo();
const w = new Worker(`
  const simd = require('simdtrain');
  simd.setIsa('scalar');
  simd.setNumThreads(3);
  require('node:worker_threads').parentPort.postMessage('set');
`, { eval: true });
w.on('message', async () => {
  await w.terminate();
  const after = simd.cpuInfo();
  console.log(JSON.stringify({ before: [before.isa, before.threads], after: [after.isa, after.threads] }));
  console.log('done');
});
