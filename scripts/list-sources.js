#!/usr/bin/env node
// Prints the native source files of one group, space-separated, for
// binding.gyp (`<!@(node scripts/list-sources.js isa)`) and CMakeLists.txt.
// Groups:
//   isa   per-ISA kernel files (*.isa.cc), compiled once per ISA
//   core  everything else under native/src except addon/, compiled once
//   addon the Node-API bindings (native/src/addon/)
// New kernel files are picked up by name, so adding one never edits the build.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const srcDir = path.join(root, 'native', 'src');

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : [full];
  });
}

const group = process.argv[2];
const all = walk(srcDir)
  .filter((f) => f.endsWith('.cc'))
  .map((f) => path.relative(root, f).split(path.sep).join('/'))
  .sort();
const isAddon = (f) => f.startsWith('native/src/addon/');
const isIsa = (f) => f.endsWith('.isa.cc');
const pick = {
  isa: (f) => isIsa(f),
  core: (f) => !isIsa(f) && !isAddon(f),
  addon: (f) => isAddon(f),
}[group];
if (!pick) {
  console.error('usage: list-sources.js isa|core|addon');
  process.exit(2);
}
process.stdout.write(all.filter(pick).join(process.argv[3] === '--lines' ? '\n' : ' '));
