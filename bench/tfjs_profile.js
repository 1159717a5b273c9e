// Where a tfjs training step (CPU time) spends its time on a backend: tf.profile's
// per-kernel times (kernels dispatched by tfjs's engine) and a per-kernel
// self-time wrapper (every registered kernel of the backend, and tfjs's cpu
// kernels when one of ours falls back to it, as "cpu:<name>").
// Usage: node bench/tfjs_profile.js mlp|cnn [simdtrain|cpu] [batches] [--before] [--cpu-kernels=A,B] [--warmup=N]
//   --before: the backend as it was before the buffer pool and the native
//   Softmax/Sigmoid/Tanh (fresh output arrays, tfjs's cpu kernels for those),
//   to compare before/after in one run on a loaded machine.
//   --cpu-kernels=A,B: kernels A and B run tfjs's cpu kernels instead (before/after of single kernels).
//   --warmup=N: training steps before the measured ones (default 1).
//        node bench/tfjs_profile.js --ab
//   both models, before and after alternating, 3 rounds; medians saved to
//   bench/results/tfjs_profile.json.
//        node bench/tfjs_profile.js --ab-kernels=Neg,Mean
//   the MLP with those kernels from tfjs's cpu backend (before) and as
//   shipped (after), alternating, 3 rounds; bench/results/tfjs_profile_kernels.json
//   (with --ab-model=cnn: the CNN, bench/results/tfjs_profile_kernels_cnn.json).
'use strict';
const tf = require('@tensorflow/tfjs');
const { mlp, cnn } = require('./tfjs_models');

const [model = 'mlp', backend = 'simdtrain', batchesArg = '5'] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const BEFORE = process.argv.includes('--before');
// --cpu-kernels=Neg,Mean: those kernels run tfjs's cpu kernels (a before/after of single kernels).
const CPU_KERNELS = (process.argv.find((a) => a.startsWith('--cpu-kernels=')) ?? '=').split('=')[1].split(',').filter(Boolean);
// --warmup=N: training steps before the measured ones (default 1; V8 needs ~50 to compile tfjs's code).
const WARMUP = Number((process.argv.find((a) => a.startsWith('--warmup=')) ?? '=1').split('=')[1]);
const BATCH = 128;
// CPU time of this process (one thread here): far less disturbed by other load on a shared machine than wall time.
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

/** Wraps every kernel of `backendName` (and the cpu ones) with a self-time counter. */
function instrument(backendName) {
  const stats = new Map();
  const stack = [];
  const wrap = (label, fn) => function (args) {
    const t0 = cpuMs();
    stack.push(0);
    try { return fn(args); } finally {
      const total = cpuMs() - t0;
      const child = stack.pop();
      if (stack.length) stack[stack.length - 1] += total;
      const s = stats.get(label) || { ms: 0, count: 0 };
      s.ms += total - child; s.count++;
      stats.set(label, s);
    }
  };
  const names = backendName === 'cpu' ? ['cpu'] : [backendName, 'cpu'];
  for (const b of names) {
    for (const config of tf.getKernelsForBackend(b)) {
      tf.unregisterKernel(config.kernelName, b);
      tf.registerKernel({ ...config, kernelFunc: wrap(b === backendName ? config.kernelName : `cpu:${config.kernelName}`, config.kernelFunc) });
    }
  }
  return stats;
}

function top(map, n) {
  return [...map.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, n);
}

async function main() {
  const simd = require('..');
  simd.setNumThreads(1);
  if (backend === 'simdtrain') require('../dist/tfjs');
  await tf.setBackend(backend);
  if (BEFORE && backend === 'simdtrain') {
    const pool = tf.backend().pool;
    pool.take = (n) => new Float32Array(n);
    for (const name of ['Softmax', 'Sigmoid', 'Tanh']) {
      tf.unregisterKernel(name, backend);
      tf.registerKernel({ ...tf.getKernel(name, 'cpu'), backendName: backend });
    }
  }
  for (const name of CPU_KERNELS) {
    tf.unregisterKernel(name, backend);
    tf.registerKernel({ ...tf.getKernel(name, 'cpu'), backendName: backend });
  }
  const batches = Number(batchesArg);
  const m = model === 'mlp' ? mlp(tf) : cnn(tf);
  m.compile({ optimizer: model === 'mlp' ? tf.train.adam(1e-3) : 'rmsprop', loss: 'categoricalCrossentropy' });
  const train = simd.loadMnist('train');
  const n = BATCH;
  const x = tf.tensor(train.images.data.subarray(0, n * 784), model === 'mlp' ? [n, 784] : [n, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d(Int32Array.from(train.labels.subarray(0, n)), 'int32'), 10).toFloat();
  for (let i = 0; i < WARMUP; i++) await m.trainOnBatch(x, y); // warm-up
  // tf.profile of one batch: kernel time by name.
  const prof = await tf.profile(() => m.trainOnBatch(x, y));
  const byName = new Map();
  for (const k of prof.kernels) {
    const s = byName.get(k.name) || { ms: 0, count: 0 };
    s.ms += k.kernelTimeMs; s.count++;
    byName.set(k.name, s);
  }
  // Self time per kernel over `batches` batches, and the step's wall time.
  const stats = instrument(backend);
  const t0 = cpuMs(), w0 = performance.now();
  for (let i = 0; i < batches; i++) await m.trainOnBatch(x, y);
  const step = (cpuMs() - t0) / batches, wall = (performance.now() - w0) / batches;
  const kernelMs = [...stats.values()].reduce((a, s) => a + s.ms, 0) / batches;
  const out = {
    model, backend: BEFORE ? `${backend} (before: no pool, cpu Softmax/Sigmoid/Tanh)` : CPU_KERNELS.length ? `${backend} (cpu kernels for ${CPU_KERNELS.join(', ')})` : backend, warmup_steps: WARMUP, batch: BATCH, step_cpu_ms: step, step_wall_ms: wall, kernel_self_cpu_ms_per_step: kernelMs, outside_kernels_cpu_ms_per_step: step - kernelMs,
    kernels_per_step: [...stats.values()].reduce((a, s) => a + s.count, 0) / batches,
    tf_profile_top: top(byName, 12).map(([k, s]) => ({ kernel: k, ms: +s.ms.toFixed(2), count: s.count })),
    self_time_top: top(stats, 40).map(([k, s]) => ({ kernel: k, ms_per_step: +(s.ms / batches).toFixed(2), calls_per_step: s.count / batches })),
  };
  console.log(JSON.stringify(out, null, 1));
}
/** --ab: before/after alternating in child processes, medians of 3 rounds. */
// --ab-model=cnn: --ab-kernels on the CNN (6 measured steps after 3 warm-up steps) instead of the MLP.
const abModel = (process.argv.find((a) => a.startsWith('--ab-model=')) ?? '=mlp').split('=')[1];

function ab(kernels = '') {
  const { spawnSync } = require('child_process');
  const os = require('os');
  const { report, median } = require('./harness');
  const runs = {};
  const load = [os.loadavg()[0]];
  for (let round = 0; round < 3; round++) {
    for (const variant of ['before', 'after']) {
      for (const [m, batches] of kernels ? [abModel === 'cnn' ? ['cnn', 6] : ['mlp', 150]] : [['mlp', 40], ['cnn', 3]]) {
        const before = kernels ? [`--cpu-kernels=${kernels}`] : ['--before'];
        const warmup = m === 'cnn' ? 3 : 60;
        const r = spawnSync(process.execPath, [__filename, m, 'simdtrain', String(batches), ...(kernels ? [`--warmup=${warmup}`] : []), ...(variant === 'before' ? before : [])], { encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`${m} ${variant}: ${r.stderr}`);
        (runs[`${m}/${variant}`] ??= []).push(JSON.parse(r.stdout));
        console.log(`round ${round + 1} ${m} ${variant}: step ${runs[`${m}/${variant}`].at(-1).step_cpu_ms.toFixed(1)} ms CPU`);
      }
    }
    load.push(os.loadavg()[0]);
  }
  const rows = [];
  for (const [key, list] of Object.entries(runs)) {
    const [m, variant] = key.split('/');
    const byKernel = new Map();
    for (const d of list) for (const k of d.self_time_top) (byKernel.get(k.kernel) ?? byKernel.set(k.kernel, []).get(k.kernel)).push(k.ms_per_step);
    const top = [...byKernel.entries()].map(([k, v]) => [k, median([...v, ...new Array(list.length - v.length).fill(0)])]).sort((a, b) => b[1] - a[1]).slice(0, 10);
    rows.push({
      model: m === 'mlp' ? 'MLP 784-256-128-10, Adam' : 'mnist-node CNN, RMSProp', variant,
      step_cpu_ms: median(list.map((d) => d.step_cpu_ms)), outside_kernels_cpu_ms: median(list.map((d) => d.outside_kernels_cpu_ms_per_step)),
      kernels_per_step: list[0].kernels_per_step,
      top10_self_cpu_ms: top.map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', '),
      ...(kernels ? { [`${kernels}_self_cpu_ms`]: median(list.map((d) => d.self_time_top.filter((k) => kernels.split(',').includes(k.kernel.replace(/^cpu:/, ''))).reduce((a, k) => a + k.ms_per_step, 0))) } : {}),
    });
  }
  report(kernels ? `tfjs_profile_kernels${abModel === 'cnn' ? '_cnn' : ''}` : 'tfjs_profile', rows, { notes: [
    `tfjs-layers trainOnBatch, batch 128, 1 thread, simdtrain backend; CPU time of the process per step (V8 GC helper threads included), per-kernel self time with a wrapper around every registered kernel (nested kernels subtracted); median of 3 alternating rounds${kernels ? (abModel === 'cnn' ? '; 3 warm-up steps, 6 measured' : '; 60 warm-up steps, 150 measured') : ''}`,
    kernels ? `before = the backend with tfjs's cpu kernels for ${kernels} (bench/tfjs_profile.js --cpu-kernels=${kernels}); after = as shipped`
      : "before = the backend without the buffer pool and with tfjs's cpu Softmax/Sigmoid/Tanh (bench/tfjs_profile.js --before); after = as shipped",
    `load average (1 min) during the rounds: ${load.map((v) => v.toFixed(1)).join(', ')} on ${os.cpus().length} cores`,
  ] });
}

const abKernels = process.argv.find((a) => a.startsWith('--ab-kernels='));
if (process.argv.includes('--ab')) ab();
else if (abKernels) ab(abKernels.split('=')[1]);
else main().catch((e) => { console.error(e); process.exit(1); });
