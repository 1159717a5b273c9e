import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it, vi } from 'vitest';
import type { OptimizerClasses } from 'simdtrain';
import { walkGif } from './helpers/gif';
import { PNG_SIGNATURE, ihdrSize } from './helpers/png';

const require = createRequire(__filename);
const { runViz } = require('../dist/cli/viz.js') as { runViz: (args: string[], classes: OptimizerClasses) => void };

// Plain gradient descent stands in for every class: this file tests the
// command's plumbing (options, files), not the optimizers.
class PlainGd {
  constructor(private params: Array<{ data: Float32Array; grad: Float32Array }>, private options: Record<string, number | boolean>) {}
  step() {
    for (const p of this.params) for (let i = 0; i < p.data.length; i++) p.data[i] -= (this.options.lr as number) * p.grad[i];
  }
}
const classes = { SGD: PlainGd, Adagrad: PlainGd, RMSprop: PlainGd, Adam: PlainGd, AdamW: PlainGd, NAdam: PlainGd } as unknown as OptimizerClasses;
const quiet = <T>(fn: () => T): T => {
  const spy = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    return fn();
  } finally {
    spy.mockRestore();
  }
};

describe('simdtrain viz (command plumbing)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'simdtrain-viz-cli-'));

  it('writes svg, png and gif for each chosen function', () => {
    const out = path.join(tmp, 'a');
    quiet(() => runViz(['--fn', 'saddle,rosenbrock', '--optimizers', 'sgd:lr=0.001,adam', '--steps', '12', '--size', '400', '--frames', '4', '--out', out], classes));
    expect(fs.readdirSync(out).sort()).toEqual(['rosenbrock.gif', 'rosenbrock.png', 'rosenbrock.svg', 'saddle.gif', 'saddle.png', 'saddle.svg']);
    const png = fs.readFileSync(path.join(out, 'saddle.png'));
    expect(Array.from(png.subarray(0, 8))).toEqual(PNG_SIGNATURE);
    expect(ihdrSize(png).width).toBe(400);
    const gif = walkGif(fs.readFileSync(path.join(out, 'rosenbrock.gif')));
    expect([gif.signature, gif.width, gif.frames]).toEqual(['GIF89a', 400, 4]);
    expect(fs.readFileSync(path.join(out, 'saddle.svg'), 'utf8')).toContain('SGD lr=0.001');
  });

  it('prints where each optimizer ended', () => {
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((s: string) => void lines.push(s));
    try {
      runViz(['--fn', 'beale', '--optimizers', 'sgd:lr=0.01', '--steps', '3', '--format', 'png', '--out', path.join(tmp, 'b')], classes);
    } finally {
      spy.mockRestore();
    }
    expect(lines.join('\n')).toMatch(/beale: 3 steps from \(1, 1\.5\), minimum \(3, 0\.5\)\n\s+SGD lr=0\.01\s+\(-?\d+\.\d{4}, -?\d+\.\d{4}\)\s+dist \d/);
    expect(fs.readdirSync(path.join(tmp, 'b'))).toEqual(['beale.png']);
  });

  it('bad options give errors naming the option', () => {
    const run = (...args: string[]) => () => quiet(() => runViz([...args, '--out', path.join(tmp, 'c')], classes));
    expect(run('--fn', 'himmelblau')).toThrow(/'fn' must be one of/);
    expect(run('--optimizers', 'sgd,lbfgs')).toThrow(/'optimizers': unknown optimizer "lbfgs"/);
    expect(run('--steps', '0')).toThrow(/'steps' must be an integer from 1/);
    expect(run('--steps', 'many')).toThrow(/'steps'/);
    expect(run('--size', '100')).toThrow(/'size' must be an integer from 360/);
    expect(run('--format', 'jpg')).toThrow(/'format' must hold only svg, png, gif/);
    expect(run('--start', '1')).toThrow(/'start' must be X,Y/);
    expect(run('--colour', 'red')).toThrow(/colour/);
    const blocker = path.join(tmp, 'file');
    fs.writeFileSync(blocker, '');
    expect(() => quiet(() => runViz(['--fn', 'saddle', '--steps', '2', '--out', path.join(blocker, 'x')], classes))).toThrow(/'out' directory .* is not writable/);
  });
});
