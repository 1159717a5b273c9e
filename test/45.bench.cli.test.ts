import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(__filename);
const { parseBenchArgs, formatTable } = require('../dist/cli/bench.js') as typeof import('../lib/cli/bench');
const main = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'simdtrain-bench-cli-'));

// A stand-in for python3 that answers like the embedded peer script, so the
// peer plumbing (spawn, thread count, joining rows) is tested without torch.
const fakePython = path.join(tmp, 'fake-python');
fs.writeFileSync(
  fakePython,
  `#!${process.execPath}
const job = JSON.parse(process.argv[4]); // argv: node, this file, -c, script, job
const out = (o) => console.log(JSON.stringify(o));
out({ kind: 'version', peer: 'torch', version: '9.9' });
for (const s of job.shapes) out({ kind: 'gemm', key: s.m + 'x' + s.n + 'x' + s.k, value: 10 * job.threads });
for (const n of job.adam) out({ kind: 'adam', key: String(n), mode: 'fused', value: 2 });
for (const e of job.epochs) out({ kind: 'epoch', key: String(e.batch), value: 1 + Number(process.env.OMP_NUM_THREADS) });
`,
  { mode: 0o755 },
);

describe('simdtrain bench', () => {
  it('measures every suite in quick mode and joins the peer results by work and threads', () => {
    const json = path.join(tmp, 'out.json');
    const r = spawnSync(process.execPath, [main, 'bench', '--quick', '--threads', '1,2', '--shapes', '64x64x64,128x96x40', '--json', json], {
      encoding: 'utf8',
      env: { ...process.env, SIMDTRAIN_BENCH_PYTHON: fakePython },
      timeout: 120000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\[1\/\d+\] bandwidth/); // progress while it runs
    const report = JSON.parse(fs.readFileSync(json, 'utf8'));
    const works = report.rows.map((row: { work: string; threads: number }) => `${row.work}@${row.threads}`);
    expect(works).toEqual(expect.arrayContaining(['sgemm 64²@1', 'sgemm 128x96x40@2', 'Adam step 1e+5@1', 'Adam step 1e+5@2', 'MLP epoch batch 128@2']));
    for (const row of report.rows) expect(row.simdtrain).toBeGreaterThan(0);
    const gemm2 = report.rows.find((row: { work: string; threads: number }) => row.work === 'sgemm 64²' && row.threads === 2);
    expect(gemm2.peers['torch 9.9']).toBe(20); // the peer ran with the row's thread count
    const epoch2 = report.rows.find((row: { work: string; threads: number }) => row.work === 'MLP epoch batch 128' && row.threads === 2);
    expect(epoch2.peers['torch 9.9']).toBe(3); // OMP_NUM_THREADS was set for it
    expect(report.notes.join(' ')).toContain('fused=True');
    expect(r.stdout).toContain('ratio vs torch'); // the table is printed beside the JSON file
  }, 120000);

  it('prints a table whose ratio is simdtrain speed over the first peer for both kinds of unit', () => {
    const table = formatTable([
      { work: 'sgemm 64²', threads: 1, unit: 'GFLOPS', higherIsBetter: true, simdtrain: 150, peers: { torch: 100 } },
      { work: 'MLP epoch', threads: 1, unit: 's', higherIsBetter: false, simdtrain: 0.5, peers: { torch: 1 } },
    ]);
    expect(table).toMatch(/sgemm 64².*150.*100.*1\.50x/);
    expect(table).toMatch(/MLP epoch.*0\.500.*1\.00.*2\.00x/);
  });

  it('rejects bad options with a RangeError naming the option', () => {
    expect(() => parseBenchArgs(['--threads', '0,2'])).toThrow(/--threads/);
    expect(() => parseBenchArgs(['--shapes', '12x'])).toThrow(/--shapes/);
    expect(() => parseBenchArgs(['--peers', 'some'])).toThrow(/--peers/);
    expect(() => parseBenchArgs(['--bogus'])).toThrow(RangeError);
    expect(parseBenchArgs(['--help'])).toBeNull();
  });
});
