// Epoch time of one model, one process or one MPI rank (bench/mpi.bench.js):
//   node epoch.js single <threads> <batch> <model>                    model.fit in one process
//   mpirun -np N node epoch.js dist <threads> <batch> <model> [overlap] [bucketBytes]
//                                                                     fitDistributed, batch per rank
// model: mlp (the 784-256-128-10 MNIST MLP on MNIST, 60,000 rows, Adam, best of 3 epochs)
//   or resnet20 (ResNet-20 on synthetic CIFAR-shaped data [3, 32, 32], SGD momentum 0.9:
//   a warm-up of 256 rows, then TIMED rows (default 1280) timed and extrapolated to 50,000).
// Prints one JSON line (rank 0): epoch seconds, seconds per step, and for dist
// the median time of one all-reduce of the whole gradient arena, measured after
// training (the per-step communication, alone).
'use strict';
const simd = require('../..');
const dist = require('../../dist/distributed');

const [mode, threads, batch, modelName = 'mlp', overlapArg = '0', bucketArg] = process.argv.slice(2);
const overlap = overlapArg === '1';
const bucketBytes = bucketArg ? Number(bucketArg) : undefined;
const TIMED = Number(process.env.TIMED || 1280);

function cifarLike(rows, seed) {
  const cols = 3 * 32 * 32;
  const data = new Float32Array(rows * cols);
  let s = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 2 ** 31 - 1;
  }
  const y = Int32Array.from({ length: rows }, (_, i) => (i * 7) % 10);
  return { x: { rows, cols, data }, y };
}

function setup() {
  if (modelName === 'resnet20') {
    const model = simd.resnet20(10, 1);
    return { model, optimizer: new simd.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 }), epochs: 1, full: 50000, data: cifarLike(TIMED, 1), warm: cifarLike(256, 2) };
  }
  const train = simd.loadMnist('train');
  const model = new simd.Sequential(
    [new simd.Dense(784, 256, { activation: 'relu' }), new simd.Dense(256, 128, { activation: 'relu' }), new simd.Dense(128, 10)],
    { seed: 1 },
  );
  return { model, optimizer: new simd.Adam(model.parameters(), { lr: 1e-3 }), epochs: 3, full: 60000, data: { x: train.images, y: train.labels }, warm: null };
}

(async () => {
  simd.setNumThreads(Number(threads));
  const s = setup();
  const rows = s.data.x.rows;
  const fit = async (x, y, epochs) => {
    const options = { optimizer: s.optimizer, epochs, batchSize: Number(batch), seed: 1 };
    if (mode === 'single') return s.model.fit(x, y, options);
    return dist.fitDistributed(s.model, x, y, { ...options, overlap, ...(bucketBytes ? { bucketBytes } : {}) });
  };
  let size = 1;
  let me = 0;
  if (mode !== 'single') ({ rank: me, size } = await dist.init());
  if (s.warm) await fit(s.warm.x, s.warm.y, 1);
  const h = await fit(s.data.x, s.data.y, s.epochs);
  const epoch = Math.min(...h.seconds) * (s.full / rows);
  const steps = Math.ceil(s.full / (Number(batch) * size));
  const out = { model: modelName, mode, threads: Number(threads), batch: Number(batch), ranks: size, timed_rows: rows, epoch_s: epoch, step_s: epoch / steps, steps, params: s.model.paramArena.length, loss: h.loss[h.loss.length - 1] };
  if (mode !== 'single') {
    const samples = [];
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      await dist.allReduce(s.model.gradArena, 'sum');
      samples.push((performance.now() - t0) / 1000);
    }
    samples.sort((a, b) => a - b);
    Object.assign(out, { overlap, bucketBytes: bucketBytes ?? dist.DEFAULT_BUCKET_BYTES, allreduce_s: samples[15] });
  }
  if (me === 0) console.log(JSON.stringify(out));
  if (mode !== 'single') await dist.finalize();
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
