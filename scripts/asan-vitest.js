#!/usr/bin/env node
// Runs the vitest suite against an addon built with AddressSanitizer and
// UndefinedBehaviorSanitizer (cmake-js, -DSIMDTRAIN_SANITIZE=ON), loading
// libasan into Node with LD_PRELOAD. Leak detection is off: Node itself does
// not free everything at exit. Extra arguments go to vitest.
'use strict';
const { execFileSync, spawnSync } = require('child_process');
const path = require('path');

const root = path.join(__dirname, '..');
const outDir = path.join(root, 'build-asan');
execFileSync('npx', ['cmake-js', 'compile', '--out', outDir, '--CDSIMDTRAIN_SANITIZE=ON', '--log-level', 'warn'], { cwd: root, stdio: 'inherit' });
const libasan = execFileSync('gcc', ['-print-file-name=libasan.so'], { encoding: 'utf8' }).trim();
const env = {
  ...process.env,
  LD_PRELOAD: libasan,
  ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=1:allow_user_segv_handler=1',
  UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
  SIMDTRAIN_ADDON: path.join(outDir, 'Release', 'simdtrain.node'),
};
const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
const r = spawnSync(process.execPath, [vitest, 'run', ...process.argv.slice(2)], { cwd: root, env, stdio: 'inherit' });
process.exit(r.status ?? 1);
