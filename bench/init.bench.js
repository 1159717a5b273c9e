// Random fill rate: simdtrain's Philox fills (1 and 2 threads) beside a
// Math.random loop, a JS Box–Muller loop, and TensorFlow.js (cpu backend,
// tf.randomUniform / randomNormal / truncatedNormal + dataSync), in one run.
//   npm run bench -- init        -> table + bench/results/init.json
'use strict';
const os = require('os');
const { timeIt, report, optionalRequire } = require('./harness');
const simd = require('..');

const notes = [];
const tf = optionalRequire('@tensorflow/tfjs', notes);

// JS baselines (what a user writes without a library).
function jsUniform(out) {
  for (let i = 0; i < out.length; i++) out[i] = Math.random();
}
function jsBoxMuller(out) {
  for (let i = 0; i < out.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - Math.random()));
    const t = 2 * Math.PI * Math.random();
    out[i] = r * Math.cos(t);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(t);
  }
}
// Truncated at ±2 by rejection, the usual JS approach.
function jsTruncated(out) {
  for (let i = 0; i < out.length; ) {
    const r = Math.sqrt(-2 * Math.log(1 - Math.random()));
    const t = 2 * Math.PI * Math.random();
    const a = r * Math.cos(t), b = r * Math.sin(t);
    if (a >= -2 && a <= 2) out[i++] = a;
    if (i < out.length && b >= -2 && b <= 2) out[i++] = b;
  }
}

const dists = {
  uniform: { simd: (o) => simd.rng.uniform(o, { seed: 1 }), js: ['Math.random loop', jsUniform], tf: (n) => tf.randomUniform([n]) },
  normal: { simd: (o) => simd.rng.normal(o, { seed: 1 }), js: ['JS Box–Muller', jsBoxMuller], tf: (n) => tf.randomNormal([n]) },
  truncatedNormal: {
    simd: (o) => simd.rng.truncatedNormal(o, { seed: 1 }),
    js: ['JS Box–Muller + rejection', jsTruncated],
    tf: (n) => tf.truncatedNormal([n]),
  },
};

async function main() {
  if (tf) {
    await tf.setBackend('cpu');
    await tf.ready();
  }
  const load0 = os.loadavg()[0];
  const rows = [];
  for (const [dist, impls] of Object.entries(dists)) {
    for (const n of [1e6, 1e7]) {
      const out = new Float32Array(n);
      const opts = { minSeconds: n >= 1e7 ? 1 : 0.5 };
      const measured = [];
      for (const threads of [1, 2]) {
        simd.setNumThreads(threads);
        measured.push([`simdtrain ${threads}t (${simd.cpuInfo().isa})`, timeIt(() => impls.simd(out), opts)]);
      }
      measured.push([impls.js[0], timeIt(() => impls.js[1](out), opts)]);
      if (tf) {
        measured.push(['tfjs cpu (dataSync)', timeIt(() => {
          const t = impls.tf(n);
          t.dataSync();
          t.dispose();
        }, { ...opts, warmup: 1 })]);
      }
      const base = measured.find(([name]) => name === impls.js[0])[1].median;
      for (const [impl, t] of measured) {
        rows.push({ dist, n, impl, ms: t.median * 1e3, 'Melem/s': n / t.median / 1e6, 'x vs JS': base / t.median });
      }
    }
  }
  simd.setNumThreads(2);
  notes.push('simdtrain: Philox4x32-10, inverse-CDF normal; same bits on every ISA and thread count.');
  notes.push(`load average ${load0.toFixed(2)} at start, ${os.loadavg()[0].toFixed(2)} at end on ${os.cpus().length} cores: 2-thread rows need an idle second core.`);
  notes.push('Medians of timed batches; the machine is shared, compare ratios within this run.');
  report('init', rows, { notes });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
