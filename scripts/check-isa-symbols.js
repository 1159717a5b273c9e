#!/usr/bin/env node
// Guards against ISA leaks: every symbol a per-ISA static library exports
// (strong or weak/COMDAT) must live in that ISA's namespace, simdtrain::<isa>::.
// A weak inline function outside it (say a helper in a shared header) could be
// emitted with AVX-512 instructions and picked by the linker for the baseline
// path, crashing older CPUs with SIGILL.
// Usage: node scripts/check-isa-symbols.js [buildDir]   (default build/Release)
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const buildDir = path.resolve(process.argv[2] || path.join(__dirname, '..', 'build', 'Release'));
const libs = fs.readdirSync(buildDir).filter((f) => /^(lib)?simdtrain_isa_\w+\.a$/.test(f));
if (!libs.length) {
  console.error(`no simdtrain_isa_*.a in ${buildDir}: build first`);
  process.exit(2);
}
let bad = 0;
for (const lib of libs) {
  const isa = /simdtrain_isa_(\w+)\.a$/.exec(lib)[1];
  const out = execFileSync('nm', ['-C', '--defined-only', '--extern-only', path.join(buildDir, lib)], { encoding: 'utf8' });
  const symbols = out
    .split('\n')
    .map((l) => /^[0-9a-f]*\s+([A-Za-z])\s+(.*)$/.exec(l))
    .filter(Boolean);
  const leaks = symbols.filter(([, , name]) => !name.includes(`simdtrain::${isa}::`));
  for (const [, type, name] of leaks) console.error(`${lib}: [${type}] ${name} is outside simdtrain::${isa}::`);
  bad += leaks.length;
  console.log(`${lib}: ${symbols.length} exported symbols, ${leaks.length} outside simdtrain::${isa}::`);
}
process.exit(bad ? 1 : 0);
