#!/usr/bin/env node
// `npm test`: the C++ kernel tests (CMake), then the vitest suite, then one
// plain summary line "N passed, N failed" counting both.
// Extra arguments are passed to vitest (e.g. `npm test -- test/10.vector`).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const reportFile = path.join(root, '.vitest-report.json');
const vitestArgs = process.argv.slice(2);

function runNative() {
  const result = spawnSync(process.execPath, [path.join(__dirname, 'native-tests.js')], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write(result.stdout || '');
  const match = /^(\d+) passed, (\d+) failed$/m.exec(result.stdout || '');
  if (!match) return { passed: 0, failed: 1 }; // build or crash: count as a failure
  const failed = Number(match[2]);
  // A non-zero exit with no failed test (e.g. a sanitizer abort) still fails.
  return { passed: Number(match[1]), failed: failed || (result.status === 0 ? 0 : 1) };
}

function runVitest() {
  fs.rmSync(reportFile, { force: true });
  const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
  const result = spawnSync(process.execPath, [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`, ...vitestArgs], { cwd: root, stdio: 'inherit' });
  if (!fs.existsSync(reportFile)) return { passed: 0, failed: 1 };
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  // A file that fails to load reports no tests but a failed suite: count it.
  const brokenSuites = report.numFailedTestSuites && !report.numFailedTests ? report.numFailedTestSuites : 0;
  const failed = report.numFailedTests + brokenSuites;
  return { passed: report.numPassedTests, failed: failed || (result.status === 0 ? 0 : 1) };
}

const onlyVitest = vitestArgs.length > 0;
const native = onlyVitest ? { passed: 0, failed: 0 } : runNative();
const js = runVitest();
const passed = native.passed + js.passed;
const failed = native.failed + js.failed;
console.log(`\nnative: ${native.passed} passed, ${native.failed} failed; vitest: ${js.passed} passed, ${js.failed} failed`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
