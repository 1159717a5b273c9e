#!/usr/bin/env node
// Builds and runs the plain C++ kernel tests with CMake (no Node-API).
//   node scripts/native-tests.js            -> build-native/
//   node scripts/native-tests.js --sanitize -> build-native-asan/ (ASan + UBSan)
//   node scripts/native-tests.js --tsan     -> build-native-tsan/ (ThreadSanitizer)
// Prints the test binary's own "N passed, N failed" line; exits non-zero on failure.
'use strict';
const { execFileSync } = require('child_process');
const path = require('path');
const os = require('os');

const root = path.join(__dirname, '..');
const sanitize = process.argv.includes('--sanitize');
const tsan = process.argv.includes('--tsan');
const buildDir = path.join(root, sanitize ? 'build-native-asan' : tsan ? 'build-native-tsan' : 'build-native');
const filter = process.argv.slice(2).filter((a) => !a.startsWith('--'));

const run = (cmd, args, extraEnv = {}) =>
  execFileSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...extraEnv } });

const sanitizerEnv = sanitize
  ? { ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=1', UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1' }
  : tsan
    ? { TSAN_OPTIONS: 'halt_on_error=1:second_deadlock_stack=1' }
    : {};

run('cmake', ['-S', root, '-B', buildDir, '-DCMAKE_BUILD_TYPE=Release', `-DSIMDTRAIN_SANITIZE=${sanitize ? 'ON' : 'OFF'}`, `-DSIMDTRAIN_TSAN=${tsan ? 'ON' : 'OFF'}`, '--log-level=WARNING']);
run('cmake', ['--build', buildDir, '--target', 'simdtrain_native_tests', '-j', String(os.cpus().length)]);
run(path.join(buildDir, 'simdtrain_native_tests'), filter, sanitizerEnv);
