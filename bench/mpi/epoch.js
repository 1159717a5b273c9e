// Epoch time of the 784-256-128-10 MNIST MLP (bench/mpi.bench.js):
//   node epoch.js single <threads> <batch>            model.fit in one process
//   mpirun -np N node epoch.js dist <threads> <batch>  fitDistributed, batch per rank
// Prints one JSON line (rank 0): best epoch seconds, and for dist the median
// time of one all-reduce of the gradient arena (the per-step communication).
'use strict';
const simd = require('../..');
const dist = require('../../dist/distributed');

const [mode, threads, batch] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const EPOCHS = 3;

(async () => {
  simd.setNumThreads(threads);
  const train = simd.loadMnist('train');
  const model = new simd.Sequential(
    [new simd.Dense(784, 256, { activation: 'relu' }), new simd.Dense(256, 128, { activation: 'relu' }), new simd.Dense(128, 10)],
    { seed: 1 },
  );
  const options = { optimizer: new simd.Adam(model.parameters(), { lr: 1e-3 }), epochs: EPOCHS, batchSize: batch, seed: 1 };
  if (mode === 'single') {
    const h = await model.fit(train.images, train.labels, options);
    console.log(JSON.stringify({ epoch_s: Math.min(...h.seconds), loss: h.loss[EPOCHS - 1] }));
    return;
  }
  const { rank, size } = await dist.init();
  const h = await dist.fitDistributed(model, train.images, train.labels, options);
  const samples = [];
  for (let i = 0; i < 30; i++) {
    const t0 = performance.now();
    await dist.allReduce(model.gradArena, 'sum');
    samples.push((performance.now() - t0) / 1000);
  }
  samples.sort((a, b) => a - b);
  if (rank === 0) {
    const steps = Math.ceil(60000 / (batch * size));
    console.log(JSON.stringify({ epoch_s: Math.min(...h.seconds), loss: h.loss[EPOCHS - 1], allreduce_s: samples[15], steps, params: model.paramArena.length }));
  }
  await dist.finalize();
})();
