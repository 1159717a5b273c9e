// Builds a C++ harness of bench/native/ against the CMake static libraries:
// those of build-native/ (node scripts/native-tests.js) when present, else a
// Release build in build-bench/. Returns the executable's path (in the OS temp
// folder; the caller removes it). Throws when cmake or the compiler fails.
//   const exe = buildNativeBench('layer_kernels_bench', { opt: '-O2' });
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

function buildNativeBench(name, { opt = '-O2', preferBuildNative = true } = {}) {
  const root = path.join(__dirname, '..');
  const quiet = { stdio: 'pipe' };
  let dir = path.join(root, 'build-native');
  if (!preferBuildNative || !fs.existsSync(path.join(dir, 'libsimdtrain_core.a'))) {
    dir = path.join(root, 'build-bench');
    execFileSync('cmake', ['-S', root, '-B', dir, '-DCMAKE_BUILD_TYPE=Release', '--log-level=WARNING'], quiet);
    execFileSync('cmake', ['--build', dir, '--target', 'simdtrain_core', '-j', String(os.cpus().length)], quiet);
  }
  const libs = fs.readdirSync(dir).filter((f) => /^libsimdtrain_isa_.*\.a$/.test(f)).map((f) => `-l${f.slice(3, -2)}`);
  const exe = path.join(os.tmpdir(), `${name}_${process.pid}`);
  execFileSync(process.env.CXX || 'g++', [opt, '-std=c++17', path.join(__dirname, 'native', `${name}.cc`), '-o', exe,
    `-L${dir}`, '-lsimdtrain_core', ...libs, '-lsimdtrain_core', '-lpthread'], quiet);
  return exe;
}

module.exports = { buildNativeBench };
