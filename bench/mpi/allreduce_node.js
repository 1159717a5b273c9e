// The binding's side of the all-reduce benchmark (bench/mpi.bench.js): the
// same protocol as allreduce_bench.c, through simdtrain/distributed's
// allReduce (queue to the MPI thread, cross-rank argument check, in-place
// MPI_Allreduce, Promise back to the event loop).
'use strict';
const dist = require('../../dist/distributed');

(async () => {
  const { rank } = await dist.init();
  const go = new Float64Array(1);
  for (const arg of process.argv.slice(2)) {
    const bytes = Number(arg);
    const x = new Float32Array(bytes / 4);
    for (let i = 0; i < x.length; i++) x[i] = (i % 7) * 0.5;
    for (let i = 0; i < 3; i++) await dist.allReduce(x, 'sum');
    const samples = [];
    const start = performance.now();
    for (go[0] = 1; go[0]; ) {
      const t0 = performance.now();
      await dist.allReduce(x, 'sum');
      samples.push((performance.now() - t0) / 1000);
      go[0] = samples.length < 200 && (samples.length < 5 || performance.now() - start < 300) ? 1 : 0;
      await dist.broadcast(go, 0);
    }
    samples.sort((a, b) => a - b);
    if (rank === 0) console.log(JSON.stringify({ bytes, median_s: samples[samples.length >> 1], min_s: samples[0], calls: samples.length }));
  }
  await dist.finalize();
})();
