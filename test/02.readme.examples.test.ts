// Every ```js block in README.md runs without throwing (examples must stay true).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.join(__dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);

describe('README examples', () => {
  it('has examples', () => {
    expect(blocks.length).toBeGreaterThan(1);
  });
  it.each(blocks.map((code, i) => [i, code] as const))('block %i runs', (_i, code) => {
    // A non-zero exit (an uncaught error in the example) makes execFileSync throw.
    expect(() => execFileSync(process.execPath, ['-e', code], { cwd: root, stdio: 'pipe', timeout: 120_000 })).not.toThrow();
  });
});
