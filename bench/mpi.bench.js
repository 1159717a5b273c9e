// simdtrain/distributed on MPI, side by side in one run:
//   1. all-reduce (in-place float sum, 2 ranks) through the binding against a
//      plain C MPI_Allreduce harness (bench/mpi/allreduce_bench.c, built here
//      with mpicc): same mpirun flags, same buffer contents and sizes, same
//      protocol; per size the median over the alternated rounds of each
//      round's median call. The binding is shown twice: the JS round trip
//      (performance.now around `await allReduce`, what a caller waits) and the
//      time its MPI thread spent inside MPI_Allreduce (steady_clock around the
//      call, the C harness's own timing method), with spinUs 0 and SPIN;
//      and a C harness with the same design as the binding (the calls handed
//      to a communication thread, bench/mpi/allreduce_thread.c), the floor of
//      any binding that keeps MPI off its caller's thread.
//   2. epoch time, 1 process x 2 threads (fit, batch 2B) against 2 ranks x
//      1 thread (fitDistributed, batch B per rank, the same global batch):
//      the MNIST MLP, and ResNet-20 on synthetic CIFAR-shaped data (a timed
//      subset, extrapolated to 50,000 rows); each also with 256 KiB buckets
//      overlapped with the backward pass; rounds alternated, medians.
// Skips (with the reason) when mpirun, mpicc or the MPI addon is missing.
// Usage: node bench/mpi.bench.js [--rounds N] (default 3) [--no-epochs] [--no-allreduce]
//   [--baseline-addon path/to/simdtrain_mpi.node [--baseline-label text]] (another build, same rounds)
//   [--models mlp,resnet20]; a section left out keeps its rows (and notes)
//   from the existing bench/results/mpi.json.
'use strict';
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { machine, printTable } = require('./harness');

const root = path.join(__dirname, '..');
const ROUNDS = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 3;
const EPOCHS = !process.argv.includes('--no-epochs');
const ALLREDUCE = !process.argv.includes('--no-allreduce');
// Another build of the MPI addon (e.g. the previous commit's) measured in the same rounds.
const BASELINE = process.argv.includes('--baseline-addon') ? path.resolve(process.argv[process.argv.indexOf('--baseline-addon') + 1]) : null;
const BASELINE_LABEL = process.argv.includes('--baseline-label') ? process.argv[process.argv.indexOf('--baseline-label') + 1] : BASELINE;
const MODELS = process.argv.includes('--models') ? process.argv[process.argv.indexOf('--models') + 1].split(',') : ['mlp', 'resnet20'];
const SIZES = [4 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20, 16 << 20];
const SPIN = 50;
const asRoot = process.getuid?.() === 0 ? ['--allow-run-as-root'] : [];
// No core binding: the two ranks and the threads share the cores freely.
// Waiting ranks yield the core (on a shared machine, spinning ranks starve
// the peer they wait for); the same for the C harness and the binding.
const MPIRUN = [...asRoot, '--oversubscribe', '--bind-to', 'none', '--mca', 'mpi_yield_when_idle', '1'];
const median = (a) => a.slice().sort((x, y) => x - y)[a.length >> 1];
const loads = [];
const load = () => loads.push(os.loadavg()[0]);

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
  const exeThread = path.join(root, 'build-mpi-bench', 'allreduce_thread');
  execFileSync('mpicc', ['-O2', '-pthread', '-o', exeThread, path.join(__dirname, 'mpi', 'allreduce_thread.c')]);
  const node = [process.execPath, path.join(__dirname, 'mpi', 'allreduce_node.js')];
  const runs = { c: [exe], ct: [exeThread], b0: node, bs: node, ...(BASELINE ? { old: node } : {}) };
  const got = {}; // name -> bytes -> field -> [per round]
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, args] of Object.entries(runs)) {
      load();
      const spin = name === 'bs' ? SPIN : 0;
      const env = { SIMDTRAIN_MPI_SPIN_US: String(spin), SIMDTRAIN_MPI_ADDON: name === 'old' ? BASELINE : '' };
      for (const r of jsonLines('mpirun', [...MPIRUN, '-x', 'SIMDTRAIN_MPI_SPIN_US', '-x', 'SIMDTRAIN_MPI_ADDON', '-np', '2', ...args, ...SIZES.map(String)], env)) {
        const b = ((got[name] ??= {})[r.bytes] ??= {});
        for (const [k, v] of Object.entries(r)) (b[k] ??= []).push(v);
      }
    }
  }
  notes.push(`all-reduce: 2 ranks on one machine (Open MPI shared memory), in-place float32 sum, mpirun ${MPIRUN.join(' ')}; per size the median over ${ROUNDS} alternated rounds of each round's median call; "in MPI" = the binding's MPI thread inside MPI_Allreduce (the C harness's timing method); spin = init({ spinUs: ${SPIN} }); c_thread = the C harness with its calls handed to a second thread (allreduce_thread.c); queued = the spin binding's time per call of 16 calls queued at once and awaited together (fitDistributed's buckets); wait / check / return = the spin binding's median time from queuing to the MPI thread starting, in the argument check, and from the result's post to the event loop settling it`);
  const us = (name, bytes, field) => median(got[name][bytes][field]) * 1e6;
  if (BASELINE) notes.push(`baseline = the addon build ${BASELINE_LABEL}, same rounds, same script, default init options`);
  // Columns in order: a median time of one harness field, or a ratio of two earlier columns.
  const time = (column, run, field) => (row, bytes) => (row[column] = us(run, bytes, field));
  const ratio = (column, num, den) => (row) => (row[column] = row[num] / row[den]);
  const columns = [
    time('c_us', 'c', 'median_s'),
    time('c_thread_us', 'ct', 'median_s'), ratio('c_thread/c', 'c_thread_us', 'c_us'),
    time('binding_us', 'b0', 'median_s'), ratio('binding/c', 'binding_us', 'c_us'),
    time('in_mpi_us', 'b0', 'mpi_median_s'), ratio('in_mpi/c', 'in_mpi_us', 'c_us'),
    time('check_us', 'b0', 'check_median_s'),
    time('spin_binding_us', 'bs', 'median_s'), ratio('spin/c', 'spin_binding_us', 'c_us'), ratio('spin/c_thread', 'spin_binding_us', 'c_thread_us'),
    time('spin_in_mpi_us', 'bs', 'mpi_median_s'), ratio('spin_in_mpi/c', 'spin_in_mpi_us', 'c_us'),
    time('spin_queued_us', 'bs', 'queued_median_s'), ratio('queued/c', 'spin_queued_us', 'c_us'),
    time('spin_wait_us', 'bs', 'wait_median_s'),
    time('spin_check_us', 'bs', 'check_median_s'),
    time('spin_return_us', 'bs', 'return_median_s'),
    ...(BASELINE ? [time('baseline_us', 'old', 'median_s'), ratio('baseline/c', 'baseline_us', 'c_us'), ratio('spin/baseline', 'spin_binding_us', 'baseline_us')] : []),
    time('c_fastest_us', 'c', 'min_s'),
    time('binding_fastest_us', 'b0', 'min_s'),
    (row, bytes) => (row.c_GBps = bytes / row.c_us / 1e3),
  ];
  return SIZES.map((bytes) => {
    const row = { bytes };
    for (const fill of columns) fill(row, bytes);
    return row;
  });
}

function epochTable(notes) {
  const script = path.join(__dirname, 'mpi', 'epoch.js');
  const setups = [
    ['mlp', '1 process x 2 threads (fit, batch 128)', [process.execPath, script, 'single', '2', '128', 'mlp']],
    ['mlp', '2 ranks x 1 thread (fitDistributed, 64/rank, one 4 MiB bucket)', ['mpirun', ...MPIRUN, '-np', '2', process.execPath, script, 'dist', '1', '64', 'mlp', '0']],
    ['mlp', '2 ranks x 1 thread, 256 KiB buckets after backward', ['mpirun', ...MPIRUN, '-np', '2', process.execPath, script, 'dist', '1', '64', 'mlp', '0', String(256 << 10)]],
    ['mlp', '2 ranks x 1 thread, 256 KiB buckets overlapped with backward', ['mpirun', ...MPIRUN, '-np', '2', process.execPath, script, 'dist', '1', '64', 'mlp', '1', String(256 << 10)]],
    ['resnet20', '1 process x 2 threads (fit, batch 128)', [process.execPath, script, 'single', '2', '128', 'resnet20']],
    ['resnet20', '2 ranks x 1 thread (fitDistributed, 64/rank, one 4 MiB bucket)', ['mpirun', ...MPIRUN, '-np', '2', process.execPath, script, 'dist', '1', '64', 'resnet20', '0']],
    ['resnet20', '2 ranks x 1 thread, 256 KiB buckets overlapped with backward', ['mpirun', ...MPIRUN, '-np', '2', process.execPath, script, 'dist', '1', '64', 'resnet20', '1', String(256 << 10)]],
  ];
  const chosen = setups.filter(([model]) => MODELS.includes(model));
  setups.length = 0;
  setups.push(...chosen);
  const got = setups.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    setups.forEach(([, , cmd], i) => {
      load();
      got[i].push(jsonLines(cmd[0], cmd.slice(1))[0]);
    });
  }
  const timed = got[setups.findIndex(([m]) => m === 'resnet20')]?.[0]?.timed_rows;
  notes.push(`epoch (${MODELS.join(', ')}): MNIST MLP 784-256-128-10 (Adam, 60,000 rows, best of 3 epochs per run); ResNet-20 (SGD momentum 0.9) on synthetic CIFAR-shaped rows, ${timed ?? '-'} rows timed after a 256-row warm-up, extrapolated to 50,000; global batch 128 everywhere; median and fastest of ${ROUNDS} alternated rounds`);
  return setups.map(([model, setup], i) => {
    const runs = got[i];
    const base = median(got[setups.findIndex(([m]) => m === model)].map((r) => r.epoch_s));
    const epoch = median(runs.map((r) => r.epoch_s));
    const best = Math.min(...runs.map((r) => r.epoch_s));
    const baseBest = Math.min(...got[setups.findIndex(([m]) => m === model)].map((r) => r.epoch_s));
    const step = median(runs.map((r) => r.step_s));
    const ar = runs[0].allreduce_s !== undefined ? median(runs.map((r) => r.allreduce_s)) : 0;
    return {
      model, setup, epoch_s: epoch, 'vs 1x2': epoch / base, fastest_epoch_s: best, 'fastest vs 1x2': best / baseBest, step_ms: step * 1e3, grad_MB: (runs[0].params * 4) / 1e6,
      allreduce_ms: ar * 1e3, 'allreduce/step': ar / step, runs_epoch_s: runs.map((r) => +r.epoch_s.toFixed(3)).join(' '),
    };
  });
}

const reason = missing();
if (reason) {
  console.log(`mpi bench skipped: ${reason}`);
  process.exit(0);
}
const notes = [];
const file = path.join(__dirname, 'results', 'mpi.json');
const previous = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
const allreduce = ALLREDUCE ? allReduceTable(notes) : previous.allreduce ?? [];
if (!ALLREDUCE) notes.push(...(previous.notes ?? []).filter((n) => n.startsWith('all-reduce') || n.startsWith('baseline')).map((n) => (n.includes('[kept from') ? n : `${n} [kept from ${previous.date}]`)));
let epochs = EPOCHS ? epochTable(notes) : [];
// Models not measured in this run keep their rows from the previous file.
const kept = (previous.epochs ?? []).filter((r) => !EPOCHS || !MODELS.includes(r.model));
if (kept.length) {
  notes.push(`epoch rows of ${[...new Set(kept.map((r) => r.model))].join(', ')} kept from ${previous.date}`);
  notes.push(...(previous.notes ?? []).filter((n) => n.startsWith('epoch (')));
  epochs = [...kept, ...epochs];
}
notes.push(`MPI: ${execFileSync('mpirun', ['--version'], { encoding: 'utf8' }).split('\n')[0]}`);
notes.push(`1-minute load average at the start of each run: min ${Math.min(...loads).toFixed(2)}, median ${median(loads).toFixed(2)}, max ${Math.max(...loads).toFixed(2)} (2 cores)`);
if (allreduce.length) {
  console.log('\n== mpi: all-reduce, binding vs C ==');
  printTable(allreduce);
}
if (epochs.length) {
  console.log('\n== mpi: epoch time, ranks x threads ==');
  printTable(epochs);
}
for (const n of notes) console.log(`note: ${n}`);
fs.writeFileSync(file, JSON.stringify({ name: 'mpi', date: new Date().toISOString(), machine: machine(), notes, allreduce, epochs }, null, 2) + '\n');
console.log(`saved ${path.relative(process.cwd(), file)}`);
