// simdtrain/distributed without mpirun: a missing MPI addon gives an error
// that names the packages to install; calls before init() and bad init
// options fail clearly. Runs everywhere (no MPI needed); each case in a
// child process, since init() may run only once per process.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function node(code: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...env } });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}
const report = `.then(() => console.log('resolved'), (e) => console.log(e.name + ': ' + e.message))`;

describe('simdtrain/distributed errors', () => {
  it('a missing MPI addon: init() rejects naming the packages; isAvailable() is false; importing never throws', () => {
    const r = node(`const d = require('simdtrain/distributed'); console.log('available', d.isAvailable()); d.init()${report}`, { SIMDTRAIN_MPI_ADDON: '/nonexistent/simdtrain_mpi.node' });
    expect(r.out).toContain('available false');
    expect(r.out).toMatch(/Error: simdtrain\/distributed needs the MPI addon.*apt install libopenmpi-dev openmpi-bin.*MPICH.*npm run build:mpi/);
  });

  it('a file that is not a loadable addon: the dlopen error and the hint', () => {
    const r = node(`require('simdtrain/distributed').init()${report}`, { SIMDTRAIN_MPI_ADDON: __filename });
    expect(r.out).toMatch(/does not load .*apt install libopenmpi-dev/);
  });

  it('collectives before init() and bad init options', () => {
    const r = node(`
      const d = require('simdtrain/distributed');
      for (const f of [() => d.rank(), () => d.allReduce(new Float32Array(1)), () => d.barrier()]) {
        try { f(); console.log('no error'); } catch (e) { console.log(e.name + ': ' + e.message); }
      }
      d.init({ timeoutMs: 0 })${report};
      d.init({ timeoutMs: '5' })${report};
      d.init({ handleSigterm: 1 })${report};
      d.init({ spinUs: -1 })${report};
      d.init({ spinUs: '5' })${report};
    `);
    expect(r.out).toContain(`RangeError: 'spinUs' must be in [0, 1e6] µs (got -1)`);
    expect(r.out).toContain(`TypeError: 'spinUs' must be a number (got string)`);
    expect(r.out).toContain('Error: simdtrain/distributed: rank() before init()');
    expect(r.out).toContain('Error: simdtrain/distributed: allReduce() before init()');
    expect(r.out).toContain('Error: simdtrain/distributed: barrier() before init()');
    expect(r.out).toContain(`RangeError: 'timeoutMs' must be an integer in [1, 1e9] ms (got 0)`);
    expect(r.out).toContain(`TypeError: 'timeoutMs' must be a number (got string)`);
    expect(r.out).toContain(`TypeError: 'handleSigterm' must be a boolean`);
    expect(r.out).not.toContain('no error');
  });

  it("trainStep's gradient hook: anything but a hook made by the MPI addon is a TypeError, and nothing runs", () => {
    const r = node(`
      const { Sequential, Dense, softmaxCrossEntropy } = require('simdtrain');
      const m = new Sequential([new Dense(3, 2)], { seed: 1 });
      const x = new Float32Array(6).fill(0.5), y = new Int32Array([0, 1]);
      m.plan.reserve(2);
      m.gradArena.fill(7);
      for (const hook of [{}, 1, 'x', Object.freeze({ table: {} }), [], () => {}]) {
        try { m.plan.trainStep(x, null, 0, 2, y, null, softmaxCrossEntropy.code, 0.5, false, 0, hook); console.log('no error'); }
        catch (e) { console.log(e.name + ': ' + e.message); }
      }
      console.log('untouched', m.gradArena.every((v) => v === 7));
      m.plan.trainStep(x, null, 0, 2, y, null, softmaxCrossEntropy.code, 0.5, false, 0, null).then(() => console.log('null hook ok', m.gradArena.some((v) => v !== 7)));
    `);
    expect(r.out.match(/TypeError: 'gradHook' must be a gradient hook made by simdtrain\/distributed/g)).toHaveLength(6);
    expect(r.out).toContain('untouched true');
    expect(r.out).toContain('null hook ok true');
    expect(r.out).not.toContain('no error');
  });
});
