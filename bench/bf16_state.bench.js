// Optimizer steps with bf16 state (`stateDtype: 'bf16'`, stochastic rounding
// from Philox) beside the same optimizer with fp32 state, in one run, 1 and 2
// threads. The two variants are timed in alternating rounds and the median
// of the rounds' medians is reported, so machine load hits both alike.
// Then (bf16-state-kernel.json) the Adam kernels alone, one thread, beside
// streaming loops with Adam's memory traffic (bench/native/optim_bf16_bench.cc,
// built here with g++ against build-native/; BENCH_NATIVE=0 skips it).
//   BENCH_SIZES=1e7 BENCH_ROUNDS=5 node bench/bf16_state.bench.js
'use strict';
const fs = require('fs');
const os = require('os');
const { execFileSync } = require('child_process');
const { timeIt, report, median } = require('./harness');
const { buildNativeBench } = require('./native_build');
const simd = require('..');

const sizes = (process.env.BENCH_SIZES || '1e6,1e7').split(',').map(Number);
const rounds = Number(process.env.BENCH_ROUNDS || 5);
const threadCounts = [1, 2];
// Bytes per element moved by a step: p, g read; p written; state read and written.
const stateBuffers = { Adam: 2, AdamW: 2, Lion: 1, Momentum: 1, RMSprop: 1, Adagrad: 1 };
const make = {
  Adam: (p, o) => new simd.Adam(p, o),
  AdamW: (p, o) => new simd.AdamW(p, o),
  Lion: (p, o) => new simd.Lion(p, o),
  Momentum: (p, o) => new simd.SGD(p, { lr: 1e-3, momentum: 0.9, ...o }),
  RMSprop: (p, o) => new simd.RMSprop(p, o),
  Adagrad: (p, o) => new simd.Adagrad(p, o),
};
const only = process.env.BENCH_OPTIMIZERS ? process.env.BENCH_OPTIMIZERS.split(',') : Object.keys(make);

const rows = [];
for (const n of sizes) {
  for (const name of only) {
    const opts = { fp32: {}, bf16: { stateDtype: 'bf16', seed: 1 } };
    const opt = {};
    for (const dtype of ['fp32', 'bf16']) {
      const params = [{ data: new Float32Array(n).fill(0.5), grad: new Float32Array(n).fill(0.01) }];
      opt[dtype] = make[name](params, opts[dtype]);
      opt[dtype].step(); // allocate the state
    }
    for (const threads of threadCounts) {
      simd.setNumThreads(threads);
      const t = { fp32: [], bf16: [] };
      for (let r = 0; r < rounds; r++) {
        for (const dtype of ['fp32', 'bf16']) t[dtype].push(timeIt(() => opt[dtype].step(), { minSeconds: n >= 1e7 ? 0.6 : 0.2 }).median);
      }
      // Process CPU time per step too (robust to other processes on a shared machine).
      const cpu = { fp32: [], bf16: [] };
      for (let r = 0; r < rounds; r++) {
        for (const dtype of ['fp32', 'bf16']) {
          const c0 = process.cpuUsage();
          for (let i = 0; i < 3; i++) opt[dtype].step();
          const c = process.cpuUsage(c0);
          cpu[dtype].push((c.user + c.system) / 1e6 / 3);
        }
      }
      const fp = median(t.fp32), bf = median(t.bf16);
      const fpCpu = median(cpu.fp32), bfCpu = median(cpu.bf16);
      const bytes = { fp32: 12 + 8 * stateBuffers[name], bf16: 12 + 4 * stateBuffers[name] };
      rows.push({
        optimizer: name,
        n,
        threads,
        'fp32 ns/el': (fp / n) * 1e9,
        'bf16 ns/el': (bf / n) * 1e9,
        'x faster (bf16)': fp / bf,
        'fp32 cpu ns/el': (fpCpu / n) * 1e9,
        'bf16 cpu ns/el': (bfCpu / n) * 1e9,
        'x faster (cpu)': fpCpu / bfCpu,
        'B/el fp32->bf16': `${bytes.fp32} -> ${bytes.bf16}`,
        'fp32 GB/s': (bytes.fp32 * n) / fp / 1e9,
        'bf16 GB/s': (bytes.bf16 * n) / bf / 1e9,
      });
    }
  }
}
report('bf16-state', rows, {
  notes: [
    `median of ${rounds} alternating rounds (fp32, bf16, fp32, ...); cpu: process CPU seconds per step (all threads), median of ${rounds} rounds of 3 steps; load average at start ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`,
    'bf16 state: m, v (or the one buffer) as Uint16Array, computed in fp32, stored with stochastic rounding (one Philox4x32-10 block per 256 elements, lowbias32-hashed per element; docs/bf16.md)',
    'ISA: ' + simd.cpuInfo().isa + ' (this VM exposes no AVX-512)',
    'B/el: float32 param and grad read, param written, each state buffer read and written (4 B fp32, 2 B bf16)',
  ],
});

// Kernel-only timings (thread CPU time) and the stream loops, in cache and at
// 10^7 parameters.
if (process.env.BENCH_NATIVE !== '0') {
  const exe = buildNativeBench('optim_bf16_bench', { opt: '-O3' });
  const kernelRows = [];
  const bytes = { adam_fp32: 28, adam_bf16: 20, stream28: 28, stream20: 20, copy8: 8 };
  try {
    for (const [n, r] of [[16384, 2001], [1e7, Math.max(rounds, 7)]]) {
      const out = JSON.parse(execFileSync(exe, [String(n), String(r)], { encoding: 'utf8' }));
      const at = Object.fromEntries(out.results.map((x) => [x.name, x]));
      for (const x of out.results) {
        kernelRows.push({
          n,
          kernel: x.name,
          'cpu ns/el (median)': x.median * 1e9,
          'cpu ns/el (min)': x.min * 1e9,
          'GB/s (median)': bytes[x.name] / (x.median * 1e9),
          'x adam_fp32': at.adam_fp32.median / x.median,
        });
      }
    }
  } finally {
    fs.rmSync(exe, { force: true });
  }
  report('bf16-state-kernel', kernelRows, {
    notes: [
      `one thread, thread CPU time per element, median and min of the rounds (2001 at 16384, ${Math.max(rounds, 7)} at 1e7), the five in alternating order in one process; load average at start ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`,
      'adam_*: the best ISA\'s Adam kernel (lr 1e-3, default betas, no decay) on fp32 / bf16 state; stream28: p, g, m, v read and p, m, v written as fp32 with one add each (Adam\'s 28 B/param, no math); stream20: the same with m, v as uint16 (20 B/param); copy8: one fp32 array copied (8 B/el counted; the write also reads the line first, so 12 B/el move)',
      'x adam_fp32 > 1: faster than the fp32-state Adam kernel at the same n. At 1e7 a kernel near its stream loop is memory-bound; in cache (16384 parameters, L2) the kernels show their compute time',
    ],
  });
}
