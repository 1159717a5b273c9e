// tfjs-core's own Jasmine specs for every kernel the simdtrain backend
// replaces and for every optimizer, run against the 'simdtrain' backend
// (test/tfjs-core/run.js; `node test/tfjs-core/run.js --all` runs all of them).
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { expect, it } from 'vitest';

it("passes tfjs-core's specs for the replaced kernels and the optimizers", () => {
  const run = spawnSync(process.execPath, [path.join(__dirname, 'tfjs-core', 'run.js'), '--json'], { encoding: 'utf8', timeout: 240_000 });
  const last = (run.stdout || '').trim().split('\n').pop() ?? '';
  expect(last.startsWith('{'), `runner output: ${run.stdout}\n${run.stderr}`).toBe(true);
  const result = JSON.parse(last);
  expect(result.loadErrors).toEqual([]);
  expect(result.failures).toEqual([]);
  expect(result.passed).toBeGreaterThan(200);
  expect(run.status).toBe(0);
}, 300_000);
