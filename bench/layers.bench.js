// Layer kernels (pooling, BatchNorm, LayerNorm, dropout, embedding) before
// and after their per-ISA inner loops, in ONE C++ process
// (bench/native/layer_kernels_bench.cc): the plain scalar reference (the
// code before, kept as *_reference) against the per-ISA path with every
// runnable ISA forced, alternating rounds, 1 and 2 threads. Ratios > 1 mean
// the vector path is faster. Builds against the CMake static libraries of
// build-native/ (node scripts/native-tests.js) when present, else build-bench/.
//
//   node bench/layers.bench.js     (a few minutes; needs cmake and g++)
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { report } = require('./harness');
const { buildNativeBench } = require('./native_build');

const MIN_SECONDS = Number(process.env.LAYERS_BENCH_SECONDS || 0.2);
const ROUNDS = Number(process.env.LAYERS_BENCH_ROUNDS || 5);

const exe = buildNativeBench('layer_kernels_bench');
const rows = [];
try {
  for (const threads of [1, 2]) {
    const { results } = JSON.parse(execFileSync(exe, [String(threads), String(MIN_SECONDS), String(ROUNDS)], { encoding: 'utf8' }));
    for (const r of results) {
      const row = { kernel: r.name, threads, 'reference ms': +(r.reference * 1e3).toFixed(3) };
      for (const isa of Object.keys(r).filter((k) => k !== 'name' && k !== 'reference')) {
        row[`${isa} ms`] = +(r[isa] * 1e3).toFixed(3);
        row[`ref/${isa}`] = +(r.reference / r[isa]).toFixed(2);
      }
      rows.push(row);
    }
  }
} finally {
  fs.rmSync(exe, { force: true });
}
report('layers', rows, {
  notes: [
    `load average at start ${os.loadavg().map((v) => v.toFixed(1)).join(' ')} (shared 2-core VM: compare ratios, not times)`,
    `reference = the plain scalar code (before); <isa> = the per-ISA inner loops with that ISA forced (after); fastest timed batch over ${ROUNDS} alternating rounds`,
    'scalar = the SIMD source compiled for 1 lane without auto-vectorization (the table used only when SIMDTRAIN_ISA=scalar is forced); it is slower than the reference, which the compiler vectorizes for the baseline ISA',
    'layernorm forward runs the same plain code on both sides (its vector form did not pay and was dropped): that row shows the noise of this machine',
  ],
});
