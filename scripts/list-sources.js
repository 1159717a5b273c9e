#!/usr/bin/env node
// Prints the native source files of one group, space-separated, for
// binding.gyp (`<!@(node scripts/list-sources.js isa)`) and CMakeLists.txt.
// Groups:
//   isa   per-ISA kernel files (*.isa.cc), compiled once per ISA
//   core  everything else under native/src except addon/, compiled once
//   addon the Node-API bindings (native/src/addon/)
//   amx, avx512bf16  x86-64 extension kernels (*.amx.cc, *.avx512bf16.cc), each
//         compiled once with its own flags into namespace simdtrain::<group>,
//         x86-64 only, used after a run-time check (tile code is not a
//         vector-ISA template, so it is not in the isa group)
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
const extensions = ['amx', 'avx512bf16'];
const isExtension = (f) => extensions.some((ext) => f.endsWith(`.${ext}.cc`));
const pick = {
  isa: (f) => isIsa(f),
  core: (f) => !isIsa(f) && !isAddon(f) && !isExtension(f),
  addon: (f) => isAddon(f),
  ...Object.fromEntries(extensions.map((ext) => [ext, (f) => f.endsWith(`.${ext}.cc`)])),
}[group];
if (!pick) {
  console.error(`usage: list-sources.js isa|core|addon|${extensions.join('|')}`);
  process.exit(2);
}
process.stdout.write(all.filter(pick).join(process.argv[3] === '--lines' ? '\n' : ' '));
