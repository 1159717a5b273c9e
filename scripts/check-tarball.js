#!/usr/bin/env node
// Proves the published package works without a compiler:
//   1. prebuildify --napi --strip  -> prebuilds/<platform>-<arch>/
//   2. npm pack                    -> simdtrain-<version>.tgz (must contain prebuilds/ and dist/)
//   3. npm install <tarball> into an empty directory with CC=CXX=/bin/false
//   4. require('simdtrain') there loads the prebuilt addon and runs a kernel.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');
const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], ...opts });

run('npm', ['run', 'build:prebuilds'], { stdio: 'inherit' });
const prebuildDir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
const prebuilt = fs.readdirSync(prebuildDir).filter((f) => f.endsWith('.node'));
if (!prebuilt.length) throw new Error(`no prebuild in ${prebuildDir}`);

const packed = JSON.parse(run('npm', ['pack', '--json']))[0];
const tarball = path.join(root, packed.filename);
const files = packed.files.map((f) => f.path);
for (const needed of [`prebuilds/${process.platform}-${process.arch}/${prebuilt[0]}`, 'dist/index.js', 'dist/index.d.ts', 'docs/training.md', 'docs/threads-and-memory.md']) {
  if (!files.includes(needed)) throw new Error(`tarball lacks ${needed}`);
}
// A local build of the optional MPI addon must never ship (it is built on the user's machine).
const stray = files.filter((f) => f.startsWith('native/mpi/build/') || (f.endsWith('.node') && !f.startsWith('prebuilds/')));
if (stray.length) throw new Error(`tarball holds local build output: ${stray.slice(0, 3).join(', ')}`);
console.log(`packed ${packed.filename}: ${files.length} files, ${(packed.size / 1e6).toFixed(2)} MB`);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simdtrain-tarball-'));
try {
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'tarball-check', version: '1.0.0', private: true }));
  const noCompiler = { ...process.env, CC: '/bin/false', CXX: '/bin/false', npm_config_foreground_scripts: 'true' };
  execFileSync('npm', ['install', '--no-audit', '--no-fund', tarball], { cwd: dir, env: noCompiler, stdio: 'inherit' });
  const installed = path.join(dir, 'node_modules', 'simdtrain');
  if (fs.existsSync(path.join(installed, 'build'))) throw new Error('the install compiled the addon (build/ exists) instead of using the prebuild');
  const out = execFileSync(
    process.execPath,
    ['-e', "const s = require('simdtrain'); const x = new Float32Array([1, 2, 3]); console.log(JSON.stringify({ isa: s.cpuInfo().isa, sum: s.vec.sum(x), from: require.resolve('simdtrain') }))"],
    { cwd: dir, env: noCompiler, encoding: 'utf8' },
  );
  const result = JSON.parse(out);
  if (result.sum !== 6) throw new Error(`unexpected result ${out}`);
  console.log(`tarball install without a compiler: OK ${out.trim()}`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(tarball, { force: true });
}
