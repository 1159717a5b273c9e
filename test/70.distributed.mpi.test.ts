// simdtrain/distributed under a real `mpirun -np 2`: collectives against a
// reference, argument and cross-rank errors, distributed fit against single-
// process references, identical parameters on every rank after every step,
// and a killed or hung rank ending the job with a message, never a hang.
// Each scenario is one mpirun child (test/distributed/worker.js); ranks write
// JSON to a temp directory. Skipped, with the reason in the suite name, only
// when MPI or the MPI addon is missing and SIMDTRAIN_REQUIRE_MPI is unset (CI
// sets it, so there a missing MPI fails).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { isAvailable } from 'simdtrain/distributed';
import { softmaxCrossEntropy } from 'simdtrain';

const require_ = createRequire(import.meta.url);
const { checksum, fitSetup } = require_('./distributed/common.js');
// The seeded permutation fit uses (internal, so from the build).
const { permutation } = require_('../dist/train/shuffle.js');
const worker = path.join(__dirname, 'distributed', 'worker.js');

function missingMpi(): string | null {
  const v = spawnSync('mpirun', ['--version'], { encoding: 'utf8' });
  if (v.error || v.status !== 0) return 'mpirun not found (apt install openmpi-bin libopenmpi-dev)';
  if (!isAvailable()) return 'the MPI addon is not built (npm run build:mpi)';
  return null;
}
const missing = missingMpi();
const required = process.env.SIMDTRAIN_REQUIRE_MPI === '1';

function mpirun(mode: string, env: Record<string, string> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simdtrain-mpi-'));
  const root = process.getuid?.() === 0 ? ['--allow-run-as-root'] : [];
  const t0 = performance.now();
  const r = spawnSync('mpirun', [...root, '--oversubscribe', '-np', '2', process.execPath, worker, mode, dir], {
    encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env },
  });
  const seconds = (performance.now() - t0) / 1000;
  const ranks = [0, 1].map((k) => {
    const f = path.join(dir, `rank${k}.json`);
    return fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, 'utf8')) : null;
  });
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: r.status, signal: r.signal, output: `${r.stdout}\n${r.stderr}`, seconds, ranks };
}

if (missing && required) {
  describe('distributed over MPI', () => {
    it('MPI is present (SIMDTRAIN_REQUIRE_MPI=1)', () => {
      expect(missing).toBeNull();
    });
  });
}

describe.skipIf(missing !== null && !required)(`distributed over MPI${missing ? ` (SKIPPED: ${missing})` : ''}`, () => {
  it('allReduce matches a reference for sizes 0, 1, 7, 1000003; broadcast; errors name the argument', () => {
    const run = mpirun('collectives');
    expect(run.status, run.output).toBe(0);
    const [a, b] = run.ranks;
    for (const key of ['Float32Array', 'Float64Array'].flatMap((t) => [0, 1, 7, 1_000_003].map((n) => `${t}:${n}`))) {
      // The inputs are multiples of 1/4, so every sum is exact in float32.
      expect(a.sums[key], key).toMatchObject({ maxErr: 0, maxErrMean: 0 });
      expect(b.sums[key].checksum, key).toBe(a.sums[key].checksum);
    }
    expect(a.broadcast).toEqual(new Array(9).fill(1));
    expect(b.broadcast).toEqual(new Array(9).fill(1));
    expect(a.errors).toMatchObject({
      array: expect.stringMatching(/^TypeError: allReduce: 'array'/),
      int32: expect.stringMatching(/^TypeError: allReduce: 'array'/),
      op: expect.stringMatching(/^RangeError: allReduce: 'op'/),
      opType: expect.stringMatching(/^TypeError: allReduce: 'op'/),
      root: expect.stringMatching(/^RangeError: broadcast: 'root'/),
      timeout: expect.stringMatching(/^RangeError: 'options.timeoutMs'/),
      reinit: expect.stringMatching(/already called/),
    });
    for (const [r, rank] of [[a, 0], [b, 1]] as const) {
      expect(r.errors.mismatch).toBe(`simdtrain/distributed: allReduce: ranks disagree on the length: this rank (${rank}) has ${10 + rank}, the ranks range over [10, 11]`);
      expect(r.errors.mismatchOp).toMatch(/ranks disagree on the reduce op/);
      expect(r.afterMismatch).toBe(2);
    }
  });

  it('2 ranks x batch 8: same parameters on every rank after every step; bitwise equal to the shards summed in one process; 1 process x batch 16 to float tolerance', async () => {
    const run = mpirun('fit');
    expect(run.status, run.output).toBe(0);
    const [a, b] = run.ranks;
    const steps = Math.ceil(203 / 16);
    expect(a.sums).toHaveLength(steps * 3);
    expect(b.sums).toEqual(a.sums);
    expect(b.params).toEqual(a.params);

    // The same computation in one process, by hand: per step, the gradients of
    // the two shards (loss scaled by the whole step's rows), summed in float32
    // as MPI_SUM does for two ranks, then the optimizer step.
    const s = fitSetup(100);
    const grads = s.model.gradArena as Float32Array;
    const shard0 = new Float32Array(grads.length);
    const index = new Int32Array(203);
    const sums: number[] = [];
    s.model.plan.reserve(8);
    for (let epoch = 0; epoch < 3; epoch++) {
      permutation(index, 100, epoch);
      for (let start = 0; start < 203; start += 16) {
        const rows = Math.min(16, 203 - start);
        const step = (first: number, n: number) => s.model.plan.trainStep(s.x.data, index, start + first, n, s.y, null, softmaxCrossEntropy.code, 1 / rows, false);
        await step(0, Math.min(8, rows));
        shard0.set(grads);
        if (rows > 8) await step(8, rows - 8);
        else grads.fill(0);
        for (let i = 0; i < grads.length; i++) grads[i] = Math.fround(shard0[i] + grads[i]);
        s.optimizer.step();
        sums.push(checksum(s.model.paramArena));
      }
    }
    expect(a.sums).toEqual(sums); // bitwise, step by step
    expect(a.params).toEqual(Array.from(s.model.paramArena as Float32Array));

    // The arena in 16-float buckets, queued after the step or by the backward
    // pass as each layer finishes (overlap): the same sums, so the same bits.
    for (const mode of ['fitBuckets', 'fitOverlap']) {
      const bucketed = mpirun(mode);
      expect(bucketed.status, bucketed.output).toBe(0);
      const [c, d] = bucketed.ranks;
      expect(c.sums, mode).toEqual(sums);
      expect(d.sums, mode).toEqual(sums);
      // 10 buckets per step (the 147 parameters from the end: bias 3, weight
      // 48 = 3 x 16, bias 16, weight 80 = 5 x 16); with overlap every one is
      // queued by the backward pass itself (both ranks have rows in every step).
      expect(c.hookBuckets, mode).toBe(mode === 'fitOverlap' ? steps * 3 * 10 : 0);
      expect(d.hookBuckets, mode).toBe(c.hookBuckets);
    }

    // One process with the whole batch: the GEMMs sum the 16 rows in another order.
    const big = fitSetup(100);
    const h = await big.model.fit(big.x, big.y, { optimizer: big.optimizer, epochs: 3, batchSize: 16, metrics: ['accuracy'], validationData: big.validationData });
    const params = Array.from(big.model.paramArena as Float32Array);
    expect(Math.max(...params.map((v, i) => Math.abs(v - a.params[i])))).toBeLessThan(1e-5);
    for (let e = 0; e < 3; e++) {
      expect(a.loss[e]).toBeCloseTo(h.loss[e], 5);
      expect(a.accuracy[e]).toBeCloseTo(h.accuracy[e], 5);
      expect(a.valLoss[e]).toBeCloseTo(h.valLoss[e], 5);
    }
  });

  it('adversarial arguments straight into the addon (singleton MPI, 3000 cases): a Promise or a TypeError/RangeError, never a crash', () => {
    const r = spawnSync(process.execPath, [path.join(__dirname, 'distributed', 'fuzz-raw.js')], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('fuzz-raw ok 3000');
  });

  it('a rank killed mid-epoch: the survivor prints a message and the job exits non-zero within the timeout', () => {
    const run = mpirun('kill', { TEST_MPI_TIMEOUT_MS: '10000' });
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/rank 0 of 2 got SIGTERM|rank 0: .*timed out/);
    expect(run.ranks[0]).toBeNull(); // the survivor did not finish the 1000 epochs
    expect(run.seconds).toBeLessThan(30);
  });

  it('a rank that hangs: the other fails with a timeout error (also after a long-timeout collective), a collective queued behind fails with it, the job exits non-zero', () => {
    const run = mpirun('hang', { TEST_MPI_TIMEOUT_MS: '2000' });
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/allReduce timed out after 2000 ms on rank 0: a peer rank has died, hangs/);
    expect(run.output).toMatch(/queued behind: rejected simdtrain\/distributed: barrier was not run: allReduce timed out after 2000 ms/);
    expect(run.seconds).toBeLessThan(30);
  });
});
