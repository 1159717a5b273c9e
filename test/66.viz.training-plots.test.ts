// `simdtrain compare` and `simdtrain train --plot` write decodable charts.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodePng } from './helpers/png';

const cli = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000 });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'simdtrain-plots-'));

describe('training charts from the CLI', () => {
  it('compare trains each optimizer and draws one chart', () => {
    const out = path.join(tmp, 'compare.png');
    const r = run(['compare', '--samples', '600', '--epochs', '2', '--optimizers', 'sgd,adam,rmsprop', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^sgd .*\n.*adam .*\n.*rmsprop .*val acc/m);
    const png = decodePng(fs.readFileSync(out));
    expect(png.width).toBeGreaterThan(400);
    expect(png.height).toBeGreaterThan(200);
  });

  it('train --plot writes the history chart', () => {
    const out = path.join(tmp, 'curves.svg');
    const r = run(['train', '--limit', '1000', '--epochs', '2', '--hidden', '32', '--plot', out]);
    expect(r.status, r.stderr).toBe(0);
    const svg = fs.readFileSync(out, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toMatch(/Loss/);
  });

  it('bad options are clear errors', () => {
    const bad = run(['compare', '--optimizers', 'sgd,warp', '--out', path.join(tmp, 'x.png')]);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/unknown optimizer 'warp'/);
    const ext = run(['train', '--plot', 'curves.jpg']);
    expect(ext.status).not.toBe(0);
    expect(ext.stderr).toMatch(/--plot must end in .png or .svg/);
  });
});
