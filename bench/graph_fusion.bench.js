// ResNet-20 training steps with the training plan's op fusions off and on,
// side by side in one process (docs/conv.md, "Between the convolutions"):
// BatchNorm + ReLU, Add + ReLU, BatchNorm + Add + ReLU and shared Add gradients are picked when a plan
// is built, and SIMDTRAIN_GRAPH_FUSION=0 at that moment builds it unfused.
// Two models with the same seed, one plan each; rounds alternate them, each
// round one fit of --steps batches of 128 synthetic 3x32x32 images (SGD
// momentum) after a 2-batch warm-up fit per model. Reports process CPU and
// wall milliseconds per step (medians of the rounds), the ratio fused /
// unfused, and whether both models ended with the same loss (the fusions
// promise the unfused bits).
// Usage: node bench/graph_fusion.bench.js [--steps N] [--rounds N] [--threads N]
'use strict';
const os = require('os');
const { report, median, randomData } = require('./harness');

const arg = (name, dflt) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : dflt);
const STEPS = arg('--steps', 6);
const ROUNDS = arg('--rounds', 5);
const THREADS = arg('--threads', 1);
const B = 128, COLS = 3 * 32 * 32;

// A ResNet-20 whose plan is built with the fusions on or off.
function model(simd, fused) {
  if (fused) delete process.env.SIMDTRAIN_GRAPH_FUSION;
  else process.env.SIMDTRAIN_GRAPH_FUSION = '0';
  const m = simd.resnet20(10, 1);
  delete process.env.SIMDTRAIN_GRAPH_FUSION;
  return { m, opt: new simd.SGD(m.parameters(), { lr: 0.1, momentum: 0.9, weightDecay: 1e-4 }), cpu: [], wall: [], loss: NaN };
}

async function main() {
  const simd = require('..');
  simd.setNumThreads(THREADS);
  const loadStart = os.loadavg().map((v) => v.toFixed(2)).join(' ');
  const rows = 2 * B + ROUNDS * STEPS * B;
  const data = randomData(rows * COLS, 7);
  const labels = Int32Array.from({ length: rows }, (_, i) => (i * 7) % 10);
  const part = (lo, n) => [{ rows: n, cols: COLS, data: data.subarray(lo * COLS, (lo + n) * COLS) }, labels.subarray(lo, lo + n)];
  const fit = (v, lo, n) => v.m.fit(...part(lo, n), { optimizer: v.opt, epochs: 1, batchSize: B, shuffle: false });
  const variants = { unfused: model(simd, false), fused: model(simd, true) };
  for (const v of Object.values(variants)) await fit(v, 0, 2 * B);
  for (let r = 0; r < ROUNDS; r++) {
    for (const v of Object.values(variants)) {
      const c0 = process.cpuUsage(), t0 = process.hrtime.bigint();
      const h = await fit(v, 2 * B + r * STEPS * B, STEPS * B);
      const c = process.cpuUsage(c0);
      v.wall.push(Number(process.hrtime.bigint() - t0) / 1e6 / STEPS);
      v.cpu.push((c.user + c.system) / 1e3 / STEPS);
      v.loss = h.loss[0];
    }
  }
  const base = variants.unfused;
  const out = Object.entries(variants).map(([name, v]) => ({
    variant: name, threads: THREADS, steps_per_round: STEPS, rounds: ROUNDS,
    cpu_ms_per_step: median(v.cpu), wall_ms_per_step: median(v.wall),
    cpu_ratio: median(v.cpu) / median(base.cpu), wall_ratio: median(v.wall) / median(base.wall),
    cpu_ms_rounds: v.cpu.map((x) => Number(x.toFixed(1))).join(' '), last_loss: v.loss,
  }));
  report('graph-fusion', out, {
    notes: [
      `same loss after the last round, fused and unfused: ${variants.fused.loss === base.loss}`,
      `load average (1/5/15 min) at start ${loadStart}, at end ${os.loadavg().map((v) => v.toFixed(2)).join(' ')}; ${os.cpus().length} CPUs`,
    ],
  });
}

main().catch((e) => { console.error(e); process.exit(1); });
