// simdtrain/distributed on MPI, side by side in one run:
//   1. all-reduce (in-place float sum, 2 ranks) through the binding against a
//      plain C MPI_Allreduce harness (bench/mpi/allreduce_bench.c, built here
//      with mpicc): median and fastest seconds per call per message size,
//      rounds alternated; the ratios are the binding's cost (on a loaded
//      machine the fastest call is the steadier estimate).
//   2. epoch time of the 784-256-128-10 MNIST MLP: 1 process x 2 threads
//      (batch 128) against 2 ranks x 1 thread (batch 64 per rank, the same
//      global batch), and the share of one gradient all-reduce per step.
// Skips (with the reason) when mpirun, mpicc or the MPI addon is missing.
// Usage: node bench/mpi.bench.js [--rounds N] (default 3)
'use strict';
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { machine, printTable } = require('./harness');

const root = path.join(__dirname, '..');
const ROUNDS = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 3;
const SIZES = [4 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20, 16 << 20];
const asRoot = process.getuid?.() === 0 ? ['--allow-run-as-root'] : [];
// No core binding: the two ranks and the threads share the cores freely.
// Waiting ranks yield the core (on a shared machine, spinning ranks starve
// the peer they wait for); the same for the C harness and the binding.
const MPIRUN = [...asRoot, '--oversubscribe', '--bind-to', 'none', '--mca', 'mpi_yield_when_idle', '1'];

function missing() {
  if (spawnSync('mpirun', ['--version']).status !== 0) return 'mpirun not found (apt install openmpi-bin libopenmpi-dev)';
  if (spawnSync('mpicc', ['--version']).status !== 0) return 'mpicc not found (apt install libopenmpi-dev)';
  if (!require('../dist/distributed').isAvailable()) return 'the MPI addon is not built (npm run build:mpi)';
  return null;
}

function jsonLines(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 600_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

function allReduceTable(notes) {
  const exe = path.join(root, 'build-mpi-bench', 'allreduce_bench');
  fs.mkdirSync(path.dirname(exe), { recursive: true });
  execFileSync('mpicc', ['-O2', '-o', exe, path.join(__dirname, 'mpi', 'allreduce_bench.c')]);
  const best = { c: {}, binding: {} }; // per size: best median and fastest call over the rounds
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, args] of [['c', [exe]], ['binding', [process.execPath, path.join(__dirname, 'mpi', 'allreduce_node.js')]]]) {
      for (const r of jsonLines('mpirun', [...MPIRUN, '-np', '2', ...args, ...SIZES.map(String)])) {
        const b = (best[name][r.bytes] ??= { median: Infinity, min: Infinity });
        b.median = Math.min(b.median, r.median_s);
        b.min = Math.min(b.min, r.min_s);
      }
    }
  }
  notes.push(`all-reduce: 2 ranks on one machine (Open MPI shared memory), in-place float32 sum, mpi_yield_when_idle 1, no core binding; median per call (best of ${ROUNDS} alternated rounds) and fastest call; GB/s = bytes / median time`);
  return SIZES.map((bytes) => {
    const c = best.c[bytes];
    const b = best.binding[bytes];
    return {
      bytes, c_median_us: c.median * 1e6, binding_median_us: b.median * 1e6, 'median b/c': b.median / c.median,
      c_fastest_us: c.min * 1e6, binding_fastest_us: b.min * 1e6, 'fastest b/c': b.min / c.min,
      c_GBps: bytes / c.median / 1e9, binding_GBps: bytes / b.median / 1e9,
    };
  });
}

function epochTable(notes) {
  const script = path.join(__dirname, 'mpi', 'epoch.js');
  const single = jsonLines(process.execPath, [script, 'single', '2', '128'])[0];
  const two = jsonLines('mpirun', [...MPIRUN, '-np', '2', process.execPath, script, 'dist', '1', '64'])[0];
  const perStep = two.epoch_s / two.steps;
  notes.push(`epoch: MNIST 60,000 rows, 784-256-128-10 MLP (${two.params} parameters), Adam, global batch 128, best of 3 epochs each`);
  return [
    { setup: '1 process x 2 threads (fit, batch 128)', epoch_s: single.epoch_s, 'vs 1x2': 1, allreduce_ms_per_step: 0, allreduce_share: 0, final_loss: single.loss },
    {
      setup: '2 ranks x 1 thread (fitDistributed, 64/rank)', epoch_s: two.epoch_s, 'vs 1x2': two.epoch_s / single.epoch_s,
      allreduce_ms_per_step: two.allreduce_s * 1e3, allreduce_share: two.allreduce_s / perStep, final_loss: two.loss,
    },
  ];
}

const reason = missing();
if (reason) {
  console.log(`mpi bench skipped: ${reason}`);
  process.exit(0);
}
const notes = [];
const allreduce = allReduceTable(notes);
const epochs = epochTable(notes);
notes.push(`MPI: ${execFileSync('mpirun', ['--version'], { encoding: 'utf8' }).split('\n')[0]}`);
console.log('\n== mpi: all-reduce, binding vs C ==');
printTable(allreduce);
console.log('\n== mpi: epoch time, ranks x threads ==');
printTable(epochs);
for (const n of notes) console.log(`note: ${n}`);
const file = path.join(__dirname, 'results', 'mpi.json');
fs.writeFileSync(file, JSON.stringify({ name: 'mpi', date: new Date().toISOString(), machine: machine(), notes, allreduce, epochs }, null, 2) + '\n');
console.log(`saved ${path.relative(process.cwd(), file)}`);
