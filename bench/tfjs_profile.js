// Where a tfjs training step (CPU time) spends its time on a backend: tf.profile's
// per-kernel times (kernels dispatched by tfjs's engine) and a per-kernel
// self-time wrapper (every registered kernel of the backend, and tfjs's cpu
// kernels when one of ours falls back to it, as "cpu:<name>").
// Usage: node bench/tfjs_profile.js mlp|cnn [simdtrain|cpu] [batches]
'use strict';
const tf = require('@tensorflow/tfjs');
const { mlp, cnn } = require('./tfjs_models');

const [model = 'mlp', backend = 'simdtrain', batchesArg = '5'] = process.argv.slice(2);
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
  const batches = Number(batchesArg);
  const m = model === 'mlp' ? mlp(tf) : cnn(tf);
  m.compile({ optimizer: model === 'mlp' ? tf.train.adam(1e-3) : 'rmsprop', loss: 'categoricalCrossentropy' });
  const train = simd.loadMnist('train');
  const n = BATCH;
  const x = tf.tensor(train.images.data.subarray(0, n * 784), model === 'mlp' ? [n, 784] : [n, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d(Int32Array.from(train.labels.subarray(0, n)), 'int32'), 10).toFloat();
  await m.trainOnBatch(x, y); // warm-up
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
    model, backend, batch: BATCH, step_cpu_ms: step, step_wall_ms: wall, kernel_self_cpu_ms_per_step: kernelMs, outside_kernels_cpu_ms_per_step: step - kernelMs,
    kernels_per_step: [...stats.values()].reduce((a, s) => a + s.count, 0) / batches,
    tf_profile_top: top(byName, 12).map(([k, s]) => ({ kernel: k, ms: +s.ms.toFixed(2), count: s.count })),
    self_time_top: top(stats, 15).map(([k, s]) => ({ kernel: k, ms_per_step: +(s.ms / batches).toFixed(2), calls_per_step: s.count / batches })),
  };
  console.log(JSON.stringify(out, null, 1));
}
main().catch((e) => { console.error(e); process.exit(1); });
