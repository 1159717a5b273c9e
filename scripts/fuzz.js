#!/usr/bin/env node
// Builds the libFuzzer target with clang (ASan + UBSan) and runs it for a
// fixed time. Every kernel family's target compares each ISA with scalar.
//   node scripts/fuzz.js [seconds=60]
// Long runs: node scripts/fuzz.js 3600
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');
const seconds = Number(process.argv[2] || 60);
const buildDir = path.join(root, 'build-fuzz');
const env = { ...process.env, CC: 'clang', CXX: 'clang++' };
const run = (cmd, args, extraEnv = {}) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...env, ...extraEnv } });

run('cmake', ['-S', root, '-B', buildDir, '-DSIMDTRAIN_FUZZ=ON', '-DCMAKE_BUILD_TYPE=Release', '--log-level=WARNING']);
run('cmake', ['--build', buildDir, '--target', 'simdtrain_fuzz', '-j', String(os.cpus().length)]);
const corpus = path.join(buildDir, 'corpus');
fs.mkdirSync(corpus, { recursive: true });
console.log(`fuzzing for ${seconds}s`);
run(path.join(buildDir, 'simdtrain_fuzz'), [corpus, `-max_total_time=${seconds}`, '-max_len=65536', '-print_final_stats=1'], {
  ASAN_OPTIONS: 'detect_leaks=1',
  UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1',
});
