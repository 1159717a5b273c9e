// TensorFlow.js training with the simdtrain backend (simdtrain/tfjs) against
// tfjs's own cpu and wasm backends and simdtrain's own fit, one thread,
// MNIST, side by side in one run:
//   MLP 784-256-128-10 (Adam 1e-3, batch 128) and the tfjs-examples
//   mnist-node CNN (conv 32-32-pool-64-64-pool, dense 512, dropout; RMSProp,
//   batch 128). Slow peers: a fixed number of batches is timed after a
//   warm-up batch and extrapolated to 60,000 samples.
// Also: the event-loop delay during a tfjs fit with the simdtrain backend.
// Each row runs in its own process (backends and tf.train patches do not mix).
// Usage: node bench/tfjs.bench.js [--quick]
'use strict';
const { spawnSync } = require('child_process');
const { monitorEventLoopDelay } = require('perf_hooks');
const { report } = require('./harness');

const BATCH = 128;
const QUICK = process.argv.includes('--quick');

function mlp(tf) {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [784], units: 256, activation: 'relu' }),
      tf.layers.dense({ units: 128, activation: 'relu' }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

// tfjs-examples/mnist-node/model.js (same layers and hyper-parameters).
function cnn(tf) {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' }));
  m.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }));
  m.add(tf.layers.maxPooling2d({ poolSize: [2, 2] }));
  m.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }));
  m.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }));
  m.add(tf.layers.maxPooling2d({ poolSize: [2, 2] }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dropout({ rate: 0.25 }));
  m.add(tf.layers.dense({ units: 512, activation: 'relu' }));
  m.add(tf.layers.dropout({ rate: 0.5 }));
  m.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  return m;
}

/** One row, in this (child) process: prints a JSON line. */
async function row(model, backend, batches) {
  const simd = require('..');
  simd.setNumThreads(1);
  const train = simd.loadMnist('train');
  if (backend === 'simdtrain-fit') {
    const m = new simd.Sequential([new simd.Dense(784, 256, { activation: 'relu' }), new simd.Dense(256, 128, { activation: 'relu' }), new simd.Dense(128, 10)], { seed: 1 });
    const h = await m.fit(train.images, train.labels, { optimizer: new simd.Adam(m.parameters(), { lr: 1e-3 }), epochs: 2, batchSize: BATCH, seed: 1 });
    return { epoch_s: Math.min(...h.seconds), how: `best of ${h.seconds.length} full epochs` };
  }
  const tf = require('@tensorflow/tfjs');
  if (backend === 'wasm') {
    require('@tensorflow/tfjs-backend-wasm');
  } else if (backend === 'simdtrain') {
    require('../dist/tfjs');
  }
  await tf.setBackend(backend);
  await tf.ready();
  const m = model === 'mlp' ? mlp(tf) : cnn(tf);
  m.compile({ optimizer: model === 'mlp' ? tf.train.adam(1e-3) : 'rmsprop', loss: 'categoricalCrossentropy' });
  const n = Math.min(60000, batches * BATCH);
  const xs = tf.tensor(train.images.data.subarray(0, n * 784), model === 'mlp' ? [n, 784] : [n, 28, 28, 1]);
  const ys = tf.oneHot(tf.tensor1d(Int32Array.from(train.labels.subarray(0, n)), 'int32'), 10).toFloat();
  // Warm-up on a few samples (optimizer state, first-use costs), then the timed run.
  await m.fit(xs.slice(0, 16), ys.slice(0, 16), { batchSize: 16, epochs: 1, verbose: 0 });
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const t0 = performance.now();
  await m.fit(xs, ys, { batchSize: BATCH, epochs: 1, shuffle: true, verbose: 0 });
  const secs = (performance.now() - t0) / 1000;
  delay.disable();
  const ms = (v) => v / 1e6;
  return {
    epoch_s: (secs / n) * 60000,
    how: n === 60000 ? '1 full epoch' : `${batches} batches timed, extrapolated to 60,000 samples`,
    loop_delay_ms: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) },
    batch_ms: (secs / Math.ceil(n / BATCH)) * 1000,
  };
}

function runChild(model, backend, batches) {
  const r = spawnSync(process.execPath, ['--expose-gc', __filename, '--row', model, backend, String(batches), ...(QUICK ? ['--quick'] : [])], { encoding: 'utf8', env: { ...process.env, SIMDTRAIN_THREADS: '1' } });
  const last = (r.stdout || '').trim().split('\n').pop();
  if (r.status !== 0 || !last?.startsWith('{')) return { error: ((r.stderr || '').trim().split('\n').find((l) => /Error/.test(l)) || `exit ${r.status}`).slice(0, 160) };
  return JSON.parse(last);
}

async function main() {
  const tfVersion = require('@tensorflow/tfjs/package.json').version;
  const plan = [
    ['mlp', 'cpu', QUICK ? 3 : 8],
    ['mlp', 'wasm', QUICK ? 10 : 40],
    ['mlp', 'simdtrain', QUICK ? 50 : 469],
    ['mlp', 'simdtrain-fit', 469],
    ['cnn', 'wasm', 1],
    ['cnn', 'simdtrain', QUICK ? 2 : 8],
    ['cnn', 'cpu', 1],
  ];
  const rows = [];
  const notes = [];
  const results = {};
  for (const [model, backend, batches] of plan) {
    const r = runChild(model, backend, batches);
    results[`${model}/${backend}`] = r;
    console.log(`${model} ${backend}: ${JSON.stringify(r)}`); // progress (a slow peer can take minutes)
    if (r.error) {
      notes.push(`${model} ${backend}: ${r.error}`);
      continue;
    }
    rows.push({
      model: model === 'mlp' ? 'MLP 784-256-128-10, Adam' : 'mnist-node CNN, RMSProp',
      runner: backend === 'simdtrain-fit' ? "simdtrain's own fit" : `tfjs ${tfVersion} ${backend}`,
      threads: 1, epoch_s: r.epoch_s, how: r.how,
      loop_delay_p99_ms: r.loop_delay_ms ? r.loop_delay_ms.p99 : 'n/a',
    });
  }
  for (const model of ['mlp', 'cnn']) {
    const ours = results[`${model}/simdtrain`], cpu = results[`${model}/cpu`], own = results[`${model}/simdtrain-fit`];
    if (ours?.epoch_s && cpu?.epoch_s) notes.push(`${model}: simdtrain backend ${(cpu.epoch_s / ours.epoch_s).toFixed(1)}x faster than tfjs cpu (target epoch ${model === 'mlp' ? '<= 2 s' : '<= 10 s'}: ${ours.epoch_s.toFixed(2)} s)`);
    if (ours?.epoch_s && own?.epoch_s) notes.push(`${model}: simdtrain backend / simdtrain's own fit = ${(ours.epoch_s / own.epoch_s).toFixed(2)} (target <= 3)`);
    if (ours?.loop_delay_ms) notes.push(`${model}: event-loop delay during a tfjs fit on the simdtrain backend: p50 ${ours.loop_delay_ms.p50.toFixed(1)} ms, p99 ${ours.loop_delay_ms.p99.toFixed(1)} ms, max ${ours.loop_delay_ms.max.toFixed(1)} ms (one batch: ${ours.batch_ms.toFixed(1)} ms)`);
  }
  if (!results['cnn/simdtrain-fit']) notes.push("cnn: simdtrain's own fit has no Conv2D layers yet (graph engineer's #12): no row");
  report('tfjs', rows, { notes });
}

if (process.argv[2] === '--row') {
  row(process.argv[3], process.argv[4], Number(process.argv[5]))
    .then((r) => console.log(JSON.stringify(r)))
    .catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
} else {
  main().catch((e) => { console.error(e); process.exit(1); });
}
