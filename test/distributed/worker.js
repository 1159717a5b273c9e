// One rank of the MPI tests (test/70.distributed.*.test.ts), launched as
// `mpirun -np N node worker.js <mode> <outDir>`. Each rank writes what it saw
// to <outDir>/rank<r>.json; the test compares the files.
'use strict';
const fs = require('fs');
const path = require('path');
const dist = require('simdtrain/distributed');
const { checksum, fitSetup } = require('./common');

const [mode, outDir] = process.argv.slice(2);

function errorOf(fn) {
  try {
    fn();
    return 'no error';
  } catch (e) {
    return `${e.name}: ${e.message}`;
  }
}

async function collectives(me, n) {
  const out = { sums: {}, errors: {} };
  for (const len of [0, 1, 7, 1_000_003]) {
    for (const Type of [Float32Array, Float64Array]) {
      const a = new Type(len);
      for (let i = 0; i < len; i++) a[i] = ((i * 7 + me * 13) % 101) * 0.25 - 3;
      const m = Type.from(a);
      await dist.allReduce(a, 'sum');
      await dist.allReduce(m, 'mean');
      // Reference: the same sum in double on this rank, in rank order.
      let maxErr = 0;
      let maxErrMean = 0;
      for (let i = 0; i < len; i++) {
        let ref = 0;
        for (let r = 0; r < n; r++) ref += ((i * 7 + r * 13) % 101) * 0.25 - 3;
        maxErr = Math.max(maxErr, Math.abs(a[i] - ref));
        maxErrMean = Math.max(maxErrMean, Math.abs(m[i] - ref / n));
      }
      out.sums[`${Type.name}:${len}`] = { maxErr, maxErrMean, checksum: checksum(new Float32Array(a)) };
    }
  }
  const b = new Float32Array(9).fill(me);
  await dist.broadcast(b, n - 1);
  out.broadcast = Array.from(b);
  await dist.barrier();
  // Argument errors are thrown synchronously, before anything is queued.
  out.errors.array = errorOf(() => dist.allReduce([1, 2], 'sum'));
  out.errors.int32 = errorOf(() => dist.allReduce(new Int32Array(2), 'sum'));
  out.errors.op = errorOf(() => dist.allReduce(new Float32Array(2), 'max'));
  out.errors.opType = errorOf(() => dist.allReduce(new Float32Array(2), 3));
  out.errors.root = errorOf(() => dist.broadcast(new Float32Array(2), n));
  out.errors.timeout = errorOf(() => dist.barrier({ timeoutMs: -1 }));
  out.errors.reinit = await dist.init().then(() => 'no error', (e) => `${e.name}: ${e.message}`);
  // Different lengths on different ranks: every rank rejects, nothing hangs.
  out.errors.mismatch = await dist.allReduce(new Float32Array(10 + me), 'sum').then(() => 'no error', (e) => e.message);
  out.errors.mismatchOp = await dist.allReduce(new Float32Array(4), me === 0 ? 'sum' : 'mean').then(() => 'no error', (e) => e.message);
  // ...and the communicator still works afterwards.
  const after = new Float32Array([1]);
  await dist.allReduce(after, 'sum');
  out.afterMismatch = after[0];
  return out;
}

// Trains the same model with fitDistributed; checksums after every step.
async function fit(me, n, batch, epochs, killAt, buckets = {}) {
  const { x, y, model, optimizer, validationData } = fitSetup(100 + me); // rank 0's weights and seed win
  const sums = [];
  let step = 0;
  const history = await dist.fitDistributed(model, x, y, {
    ...buckets, optimizer, epochs, batchSize: batch, metrics: ['accuracy'], validationData, verbose: 0,
    callbacks: {
      onBatchEnd: () => {
        sums.push(checksum(model.paramArena));
        if (killAt !== undefined && me === 1 && ++step === killAt) process.kill(process.pid, 'SIGKILL');
      },
    },
  });
  return { sums, params: Array.from(model.paramArena), loss: history.loss, accuracy: history.accuracy, valLoss: history.valLoss };
}

(async () => {
  const t0 = Date.now();
  const timeoutMs = Number(process.env.TEST_MPI_TIMEOUT_MS || 30_000);
  const { rank: me, size: n } = await dist.init({ timeoutMs });
  let result;
  if (mode === 'collectives') result = await collectives(me, n);
  else if (mode === 'fit') result = await fit(me, n, 8, 3);
  else if (mode === 'fitBuckets' || mode === 'fitOverlap') {
    // 16-float buckets (several per layer), queued after the step or from the backward pass.
    const before = dist.stats().hookBuckets;
    result = await fit(me, n, 8, 3, undefined, { bucketBytes: 64, overlap: mode === 'fitOverlap' });
    result.hookBuckets = dist.stats().hookBuckets - before;
  }
  else if (mode === 'kill') result = await fit(me, n, 4, 1000, 5);
  else if (mode === 'hang') {
    // A first collective with a 10-minute timeout: the watchdog then sleeps
    // toward that deadline and must be woken for the 2 s one that follows.
    await dist.barrier({ timeoutMs: 600_000 });
    if (me === 1) {
      setInterval(() => {}, 1000); // alive but never joins the collective
      return;
    }
    // A second collective queued behind the one that hangs is failed with it.
    const [hung, queued] = await Promise.allSettled([dist.allReduce(new Float32Array(4), 'sum'), dist.barrier({ timeoutMs: 600_000 })]);
    process.stderr.write(`queued behind: ${queued.status} ${queued.reason && queued.reason.message}\n`);
    throw hung.reason;
  } else throw new Error(`unknown mode ${mode}`);
  result.seconds = (Date.now() - t0) / 1000;
  fs.writeFileSync(path.join(outDir, `rank${me}.json`), JSON.stringify(result));
  await dist.finalize();
})().catch((e) => {
  // A failed collective leaves MPI unusable: report and exit non-zero.
  process.stderr.write(`worker rank failed: ${e.message}\n`);
  process.exit(1);
});
