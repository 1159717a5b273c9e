import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.join(__dirname, '..');
const nodeEval = (code: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) =>
  execFileSync(process.execPath, [...args, '-e', code], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });

describe('package loading', () => {
  it('loads with require()', () => {
    const req = createRequire(path.join(root, 'package.json'));
    const m = req('simdtrain');
    expect(typeof m.cpuInfo).toBe('function');
    expect(m.vec.sum(new Float32Array([1, 2, 3.5]))).toBe(6.5);
  });

  it('every CommonJS export is also a named ES module export', () => {
    const out = nodeEval(
      `import('simdtrain').then((esm) => {
         const cjs = require('simdtrain');
         const missing = Object.keys(cjs).filter((k) => esm[k] !== cjs[k]);
         console.log(JSON.stringify({ missing, count: Object.keys(cjs).length }));
       })`,
    );
    const { missing, count } = JSON.parse(out);
    expect(missing).toEqual([]);
    expect(count).toBeGreaterThan(4);
  });

  it('loads with a static ES import', () => {
    const out = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', "import { cpuInfo, vec } from 'simdtrain'; console.log(cpuInfo().isa, vec.dot(new Float32Array([2]), new Float32Array([3])))"],
      { cwd: root, encoding: 'utf8' },
    );
    expect(out.trim()).toMatch(/^\w+ 6$/);
  });

  it('SIMDTRAIN_ISA forces an ISA at load', () => {
    const out = nodeEval("console.log(require('simdtrain').cpuInfo().isa)", [], { SIMDTRAIN_ISA: 'scalar' });
    expect(out.trim()).toBe('scalar');
  });

  it('an unknown SIMDTRAIN_ISA fails loudly at load', () => {
    expect(() =>
      execFileSync(process.execPath, ['-e', "require('simdtrain')"], {
        cwd: root,
        env: { ...process.env, SIMDTRAIN_ISA: 'avx9000' },
        stdio: 'pipe',
      }),
    ).toThrow(/SIMDTRAIN_ISA=avx9000 is not a known ISA/);
  });

  it('a missing addon gives an error that says what was tried and how to fix it', () => {
    // Copy only dist/ to a temp package with no build and no prebuilds.
    const out = nodeEval(
      `const fs = require('fs'), os = require('os'), path = require('path');
       const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simdtrain-noaddon-'));
       fs.cpSync(${JSON.stringify(path.join(root, 'dist'))}, path.join(dir, 'dist'), { recursive: true });
       fs.mkdirSync(path.join(dir, 'node_modules'));
       fs.cpSync(${JSON.stringify(path.join(root, 'node_modules', 'node-gyp-build'))}, path.join(dir, 'node_modules', 'node-gyp-build'), { recursive: true });
       try { require(path.join(dir, 'dist', 'native.js')); console.log('loaded?!'); }
       catch (e) { console.log(e.message); }
       fs.rmSync(dir, { recursive: true });`,
      [],
      { SIMDTRAIN_ADDON: '' }, // no override: exercise the real search
    );
    expect(out).toMatch(/could not load the native addon/);
    expect(out).toMatch(/prebuilds/);
    expect(out).toMatch(/build[/\\]Release/);
    expect(out).toMatch(/npm rebuild simdtrain/);
  });
});
