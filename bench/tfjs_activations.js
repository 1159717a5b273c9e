// LeakyRelu, Prelu, Relu6 and Elu on the simdtrain tfjs backend against the
// same kernels of tfjs's cpu backend, one thread: wall time per call of 100
// calls (the kernels are too short for process.cpuUsage's granularity and it
// counts V8's helper threads), both backends alternating in one run, medians
// of 7 rounds; bench/results/tfjs_activations.json.
// Usage: node bench/tfjs_activations.js [--rounds=N]
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const tf = require('@tensorflow/tfjs');
const { BACKEND_NAME } = require('../dist/tfjs');
require('../dist').setNumThreads(1);

const ROUNDS = Number((process.argv.find((a) => a.startsWith('--rounds=')) ?? '=7').split('=')[1]);
const wallMs = () => Number(process.hrtime.bigint()) / 1e6;
const CALLS = 100;
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

// A [batch 128, 16x16x32] activation map (131072 floats) and a per-channel alpha.
const SHAPE = [128, 16, 16, 32];
const CASES = {
  'LeakyRelu alpha 0.2 (JS loop)': (x) => tf.engine().runKernel('LeakyRelu', { x }, { alpha: 0.2 }),
  'LeakyRelu alpha 0.25 (native)': (x) => tf.engine().runKernel('LeakyRelu', { x }, { alpha: 0.25 }),
  'Prelu per channel': (x, a) => tf.engine().runKernel('Prelu', { x, alpha: a }),
  Relu6: (x) => tf.engine().runKernel('Relu6', { x }),
  Elu: (x) => tf.engine().runKernel('Elu', { x }),
};

function timeCase(backend, f, calls) {
  tf.setBackend(backend);
  const n = SHAPE.reduce((p, q) => p * q, 1);
  const x = tf.tensor(Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 4), SHAPE);
  const a = tf.tensor(Float32Array.from({ length: SHAPE[3] }, (_, i) => 0.05 + i / 100), [SHAPE[3]]);
  for (let i = 0; i < 20; i++) tf.dispose(f(x, a));
  const t0 = wallMs();
  for (let i = 0; i < calls; i++) tf.dispose(f(x, a));
  const ms = (wallMs() - t0) / calls;
  tf.dispose([x, a]);
  return ms;
}

const load = [os.loadavg()[0]];
const times = {};
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, f] of Object.entries(CASES)) {
    times[name] ??= { cpu: [], simdtrain: [] };
    for (const b of r % 2 ? [BACKEND_NAME, 'cpu'] : ['cpu', BACKEND_NAME]) times[name][b === 'cpu' ? 'cpu' : 'simdtrain'].push(timeCase(b, f, CALLS));
  }
}
load.push(os.loadavg()[0]);
const rows = Object.entries(times).map(([name, t]) => {
  const cpu = median(t.cpu), simd = median(t.simdtrain);
  return { kernel: name, cpuMs: +cpu.toFixed(3), simdtrainMs: +simd.toFixed(3), speedup: +(cpu / simd).toFixed(2) };
});
console.table(rows);
const out = { date: new Date().toISOString(), shape: SHAPE, rounds: ROUNDS, callsPerRound: CALLS, threads: 1, metric: 'median wall ms per call', loadavg1: load, rows };
fs.writeFileSync(path.join(__dirname, 'results', 'tfjs_activations.json'), JSON.stringify(out, null, 2) + '\n');
console.log(`load average ${load.map((l) => l.toFixed(2)).join(' -> ')}; bench/results/tfjs_activations.json`);
