// The binding's side of the all-reduce benchmark (bench/mpi.bench.js): the
// same protocol as allreduce_bench.c (3 warm-up calls, then timed calls until
// ~0.3 s or 200, a broadcast of rank 0's go/stop flag after each), through
// simdtrain/distributed's allReduce (queue to the MPI thread, cross-rank
// argument check, in-place MPI_Allreduce, Promise back to the event loop).
// Per size, rank 0 prints the median and fastest JS round trip (performance.now
// around `await allReduce`), and from the addon's stats() the median time the
// MPI thread spent inside MPI_Allreduce itself (steady_clock around the call:
// the C harness's timing method), in the argument check, waiting for the job
// to be picked up, and for the event loop to take the result (return); and
// the time per call of 16 calls queued at once and awaited together. Env SIMDTRAIN_MPI_SPIN_US sets init's spinUs.
'use strict';
const dist = require('../../dist/distributed/collectives');

const median = (a) => a.slice().sort((x, y) => x - y)[a.length >> 1];
// An older addon build (SIMDTRAIN_MPI_ADDON, bench --baseline-addon) may have no stats().
const zero = { mpiUs: 0, checkUs: 0, waitUs: 0, returnUs: 0 };
const stats = () => {
  try {
    return dist.stats();
  } catch {
    return zero;
  }
};

(async () => {
  const { rank } = await dist.init();
  const go = new Float64Array(1);
  for (const arg of process.argv.slice(2)) {
    const bytes = Number(arg);
    const x = new Float32Array(bytes / 4);
    for (let i = 0; i < x.length; i++) x[i] = (i % 7) * 0.5;
    for (let i = 0; i < 3; i++) await dist.allReduce(x, 'sum');
    const samples = [];
    const mpi = [];
    const check = [];
    const wait = [];
    const back = [];
    const start = performance.now();
    for (go[0] = 1; go[0]; ) {
      const s0 = stats();
      const t0 = performance.now();
      await dist.allReduce(x, 'sum');
      samples.push((performance.now() - t0) / 1000);
      const s1 = stats();
      mpi.push((s1.mpiUs - s0.mpiUs) / 1e6);
      check.push((s1.checkUs - s0.checkUs) / 1e6);
      wait.push((s1.waitUs - s0.waitUs) / 1e6);
      back.push((s1.returnUs - s0.returnUs) / 1e6);
      go[0] = samples.length < 200 && (samples.length < 5 || performance.now() - start < 300) ? 1 : 0;
      await dist.broadcast(go, 0);
    }
    // Queued: 16 calls issued at once, awaited together (how fitDistributed's
    // gradient buckets go): per call, without a round trip each.
    const queued = [];
    for (let rep = 0; rep < 5; rep++) {
      const t0 = performance.now();
      const calls = [];
      for (let i = 0; i < 16; i++) calls.push(dist.allReduce(x, 'sum'));
      await Promise.all(calls);
      queued.push((performance.now() - t0) / 1000 / 16);
    }
    if (rank === 0) {
      console.log(JSON.stringify({
        queued_median_s: median(queued),
        bytes, median_s: median(samples), min_s: Math.min(...samples), calls: samples.length,
        mpi_median_s: median(mpi), mpi_min_s: Math.min(...mpi), check_median_s: median(check), wait_median_s: median(wait), return_median_s: median(back),
      }));
    }
  }
  await dist.finalize();
})();
