// TensorFlow.js training with the simdtrain backend (simdtrain/tfjs) against
// tfjs's own cpu and wasm backends and simdtrain's own fit, one thread,
// MNIST, side by side in one run:
//   MLP 784-256-128-10 (Adam 1e-3, batch 128) and the tfjs-examples
//   mnist-node CNN (conv 32-32-pool-64-64-pool, dense 512, dropout; RMSProp,
//   batch 128). Slow peers: a fixed number of batches is timed after a
//   warm-up batch and extrapolated to 60,000 samples; full-epoch rows (the
//   simdtrain backend on the MLP, simdtrain's own fit) time two epochs one by
//   one and report the better, the first one too (it includes V8's warm-up).
// Also: the event-loop delay during a tfjs fit with the simdtrain backend.
// Each row runs in its own process (backends and tf.train patches do not mix).
// Usage: node bench/tfjs.bench.js [--quick]
//        node bench/tfjs.bench.js --mlp-rounds=3   (the MLP target only, medians of alternating rounds)
'use strict';
const { spawnSync } = require('child_process');
const { monitorEventLoopDelay } = require('perf_hooks');
const { report } = require('./harness');
const { mlp, cnn } = require('./tfjs_models');

const BATCH = 128;
const QUICK = process.argv.includes('--quick');

// CPU time of this process (ms): the shared dev machine's load inflates wall
// time; one-thread CPU time is the steadier figure (both are reported).
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

// simdtrain's own layers for the same two models.
function ownModel(simd, model) {
  if (model === 'mlp') return [new simd.Dense(784, 256, { activation: 'relu' }), new simd.Dense(256, 128, { activation: 'relu' }), new simd.Dense(128, 10)];
  return [
    new simd.Conv2D(32, 3, { activation: 'relu', inputShape: [1, 28, 28] }), new simd.Conv2D(32, 3, { activation: 'relu' }), new simd.MaxPool2D(2),
    new simd.Conv2D(64, 3, { activation: 'relu' }), new simd.Conv2D(64, 3, { activation: 'relu' }), new simd.MaxPool2D(2),
    new simd.Flatten(), new simd.Dropout(0.25), new simd.Dense(512, { activation: 'relu' }), new simd.Dropout(0.5), new simd.Dense(10),
  ];
}

/** One row, in this (child) process: prints a JSON line. */
async function row(model, backend, batches, yieldEvery) {
  const simd = require('..');
  simd.setNumThreads(1);
  // batches < 1 (tfjs cpu on the CNN: ~5 CPU minutes per batch of 128) times one smaller batch.
  const n = Math.min(60000, Math.round(batches * BATCH));
  const train = simd.loadMnist('train', { limit: n });
  if (backend === 'simdtrain-fit') {
    const m = new simd.Sequential(ownModel(simd, model), { seed: 1 });
    const optimizer = model === 'mlp' ? new simd.Adam(m.parameters(), { lr: 1e-3 }) : new simd.RMSprop(m.parameters(), { lr: 1e-3 });
    // Full epochs: two, timed one by one (the first includes warm-up), the better one reported.
    const epochs = n === 60000 ? 2 : 1;
    const wall = [], cpu = [];
    for (let e = 0; e < epochs; e++) {
      const c0 = cpuMs();
      const h = await m.fit(train.images, train.labels, { optimizer, epochs: 1, batchSize: BATCH, seed: 1 + e });
      cpu.push((cpuMs() - c0) / 1000);
      wall.push(h.seconds[0]);
    }
    return epochResult(wall, cpu, n, batches);
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
  const xs = tf.tensor(train.images.data.subarray(0, n * 784), model === 'mlp' ? [n, 784] : [n, 28, 28, 1]);
  const ys = tf.oneHot(tf.tensor1d(Int32Array.from(train.labels.subarray(0, n)), 'int32'), 10).toFloat();
  // Warm-up on a few samples (optimizer state, first-use costs), then the timed run.
  await m.fit(xs.slice(0, 16), ys.slice(0, 16), { batchSize: 16, epochs: 1, verbose: 0 });
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  // Full epochs: two, one by one, as for simdtrain's own fit (the first one
  // pays V8's compilation of tfjs's JavaScript for these shapes).
  const epochs = n === 60000 ? 2 : 1;
  const wall = [], cpu = [];
  for (let e = 0; e < epochs; e++) {
    const t0 = performance.now(), c0 = cpuMs();
    await m.fit(xs, ys, { batchSize: Math.min(BATCH, n), epochs: 1, shuffle: true, verbose: 0, ...(yieldEvery ? { yieldEvery } : {}) });
    wall.push((performance.now() - t0) / 1000);
    cpu.push((cpuMs() - c0) / 1000);
  }
  delay.disable();
  const ms = (v) => v / 1e6;
  return {
    ...epochResult(wall, cpu, n, batches),
    yieldEvery: yieldEvery || "tfjs's default ('auto')",
    // (a fit of one batch never lets the delay monitor run: no figure)
    ...(n > BATCH ? { loop_delay_ms: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) } } : {}),
    batch_ms: (Math.min(...wall) / Math.ceil(n / BATCH)) * 1000,
  };
}

/** Per-epoch figures from timed epochs (seconds): the better one, and the first when there were two. */
function epochResult(wall, cpu, n, batches) {
  const scale = 60000 / n;
  return {
    epoch_s: Math.min(...wall) * scale,
    cpu_epoch_s: Math.min(...cpu) * scale,
    ...(wall.length > 1 ? { first_epoch_s: wall[0], first_cpu_epoch_s: cpu[0] } : {}),
    how: n === 60000 ? `best of ${wall.length} full epochs` : n < BATCH ? `one batch of ${n} timed, extrapolated to 60,000 samples` : `${batches} batches timed, extrapolated to 60,000 samples`,
  };
}

function runChild(model, backend, batches, yieldEvery = '') {
  const r = spawnSync(process.execPath, ['--expose-gc', __filename, '--row', model, backend, String(batches), yieldEvery, ...(QUICK ? ['--quick'] : [])], { encoding: 'utf8', env: { ...process.env, SIMDTRAIN_THREADS: '1' } });
  const last = (r.stdout || '').trim().split('\n').pop();
  if (r.status !== 0 || !last?.startsWith('{')) return { error: ((r.stderr || '').trim().split('\n').find((l) => /Error/.test(l)) || `exit ${r.status}`).slice(0, 160) };
  return JSON.parse(last);
}

async function main() {
  const os = require('os');
  const tfVersion = require('@tensorflow/tfjs/package.json').version;
  // The simdtrain backend and simdtrain's own fit run next to each other (the ratio is the target).
  const plan = [
    ['mlp', 'simdtrain', QUICK ? 50 : 469],
    ['mlp', 'simdtrain-fit', 469],
    ['mlp', 'simdtrain', QUICK ? 50 : 469, 'batch'],
    ['mlp', 'cpu', QUICK ? 3 : 8],
    ['mlp', 'wasm', QUICK ? 10 : 40],
    ['cnn', 'simdtrain', QUICK ? 2 : 8],
    ['cnn', 'simdtrain-fit', QUICK ? 2 : 8],
    ['cnn', 'wasm', 0.25],
    ['cnn', 'cpu', 0.25],
  ];
  const rows = [];
  const notes = [];
  const results = {};
  for (const [model, backend, batches, yieldEvery] of plan) {
    const load = os.loadavg()[0];
    const r = runChild(model, backend, batches, yieldEvery);
    const key = `${model}/${backend}${yieldEvery ? `/yield-${yieldEvery}` : ''}`;
    results[key] = r;
    console.log(`${key}: ${JSON.stringify(r)}`); // progress (a slow peer can take minutes)
    if (r.error) {
      notes.push(`${key}: ${r.error}`);
      continue;
    }
    rows.push({
      model: model === 'mlp' ? 'MLP 784-256-128-10, Adam' : 'mnist-node CNN, RMSProp',
      runner: backend === 'simdtrain-fit' ? "simdtrain's own fit" : `tfjs ${tfVersion} ${backend}${yieldEvery ? ` (yieldEvery '${yieldEvery}')` : ''}`,
      threads: 1, epoch_s: r.epoch_s, cpu_epoch_s: r.cpu_epoch_s, first_cpu_epoch_s: r.first_cpu_epoch_s ?? 'n/a', how: r.how, load_avg_1m: +load.toFixed(2),
      loop_delay_p99_ms: r.loop_delay_ms ? r.loop_delay_ms.p99 : 'n/a',
    });
  }
  for (const model of ['mlp', 'cnn']) {
    const ours = results[`${model}/simdtrain`], cpu = results[`${model}/cpu`], own = results[`${model}/simdtrain-fit`];
    const target = model === 'mlp' ? 2 : 10;
    if (ours?.epoch_s) {
      const first = ours.first_cpu_epoch_s ? `; first epoch of the process ${ours.first_epoch_s.toFixed(2)} s wall, ${ours.first_cpu_epoch_s.toFixed(2)} s CPU` : '';
      notes.push(`${model}: simdtrain backend epoch ${ours.epoch_s.toFixed(2)} s wall, ${ours.cpu_epoch_s.toFixed(2)} s CPU (${ours.how}; target <= ${target} s)${first}`);
    }
    if (ours?.epoch_s && cpu?.epoch_s) notes.push(`${model}: simdtrain backend ${(cpu.cpu_epoch_s / ours.cpu_epoch_s).toFixed(1)}x faster than tfjs cpu (CPU time)`);
    if (ours?.epoch_s && own?.epoch_s) {
      notes.push(`${model}: simdtrain backend / simdtrain's own fit = ${(ours.epoch_s / own.epoch_s).toFixed(2)} wall, ${(ours.cpu_epoch_s / own.cpu_epoch_s).toFixed(2)} CPU time (target <= 3)`);
    }
    for (const k of [`${model}/simdtrain`, `${model}/simdtrain/yield-batch`]) {
      const r = results[k];
      if (r?.loop_delay_ms) notes.push(`${k}: event-loop delay during the fit: p50 ${r.loop_delay_ms.p50.toFixed(1)} ms, p99 ${r.loop_delay_ms.p99.toFixed(1)} ms, max ${r.loop_delay_ms.max.toFixed(1)} ms (one batch: ${r.batch_ms.toFixed(1)} ms wall)`);
    }
  }
  notes.push(`load average (1/5/15 min) at the end: ${os.loadavg().map((v) => v.toFixed(2)).join(' / ')} on ${os.cpus().length} cores (shared machine: CPU-time columns are the steadier figure)`);
  report('tfjs', rows, { notes });
}

/**
 * --mlp-rounds=N: the MLP target alone, the simdtrain backend and simdtrain's
 * own fit alternating N times (each two full epochs in a fresh process);
 * medians and every round in bench/results/tfjs_mlp_rounds.json.
 */
function mlpRounds(rounds) {
  const os = require('os');
  const { median } = require('./harness');
  const runs = { simdtrain: [], 'simdtrain-fit': [] };
  const load = [os.loadavg()[0]];
  for (let i = 0; i < rounds; i++) {
    for (const backend of Object.keys(runs)) {
      const r = runChild('mlp', backend, 469);
      if (r.error) throw new Error(`${backend}: ${r.error}`);
      runs[backend].push(r);
      console.log(`round ${i + 1} ${backend}: ${r.cpu_epoch_s.toFixed(2)} s CPU (first epoch ${r.first_cpu_epoch_s.toFixed(2)}), ${r.epoch_s.toFixed(2)} s wall`);
    }
    load.push(os.loadavg()[0]);
  }
  const rows = Object.entries(runs).map(([backend, list]) => ({
    model: 'MLP 784-256-128-10, Adam', runner: backend === 'simdtrain' ? `tfjs ${require('@tensorflow/tfjs/package.json').version} simdtrain` : "simdtrain's own fit", threads: 1,
    rounds: list.length, median_cpu_epoch_s: median(list.map((r) => r.cpu_epoch_s)), median_first_cpu_epoch_s: median(list.map((r) => r.first_cpu_epoch_s)),
    median_epoch_s: median(list.map((r) => r.epoch_s)), cpu_epoch_s_each: list.map((r) => +r.cpu_epoch_s.toFixed(3)).join(' '),
  }));
  const ratio = rows[0].median_cpu_epoch_s / rows[1].median_cpu_epoch_s;
  report('tfjs_mlp_rounds', rows, { notes: [
    'each round: a fresh process per runner, two full epochs (60,000 samples, batch 128, shuffled) timed one by one; the better epoch counts, the first is listed too (V8 warm-up)',
    `backend / own fit (median CPU epoch): ${ratio.toFixed(2)}; target: backend epoch <= 2 s`,
    `load average (1 min) between rounds: ${load.map((v) => v.toFixed(1)).join(', ')} on ${os.cpus().length} cores`,
  ] });
}

const roundsArg = process.argv.find((a) => a.startsWith('--mlp-rounds='));
if (roundsArg) {
  mlpRounds(Number(roundsArg.split('=')[1]));
} else if (process.argv[2] === '--row') {
  row(process.argv[3], process.argv[4], Number(process.argv[5]), process.argv[6] || '')
    .then((r) => console.log(JSON.stringify(r)))
    .catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
} else {
  main().catch((e) => { console.error(e); process.exit(1); });
}
