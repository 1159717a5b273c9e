#!/usr/bin/env node
// Builds the optional MPI addon (native/mpi -> native/mpi/build/Release/simdtrain_mpi.node)
// when an MPI installation is found; `npm install` and the main addon never run this.
//   node scripts/build-mpi.js             build if MPI is present, else say why not and exit 0
//   node scripts/build-mpi.js --require   the same, but a missing MPI exits 1 (CI)
//   node scripts/build-mpi.js --flags compile|link   print the flags (used by native/mpi/binding.gyp)
// MPI is found through `mpicxx --showme` (Open MPI), `mpicxx -compile_info` (MPICH)
// or pkg-config (ompi-c, mpich).
'use strict';
const { execFileSync, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const INSTALL_HINT = 'install Open MPI (Debian/Ubuntu: apt install libopenmpi-dev openmpi-bin) or MPICH (apt install libmpich-dev mpich)';

function tryRun(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

// Keeps only the tokens a compile or link line needs (MPICH prints the whole command).
function pick(tokens, kind) {
  const keep = kind === 'compile' ? /^-(I|D|pthread)/ : /^-(L|l|Wl,|pthread)/;
  return tokens.filter((t) => keep.test(t) && !/mpi_?cxx|mpichcxx/.test(t));
}

/** { compile: string[], link: string[], via: string } or null when MPI is absent. */
function mpiFlags() {
  const split = (s) => s.split(/\s+/).filter(Boolean);
  const compile = tryRun('mpicxx', ['--showme:compile']);
  const link = tryRun('mpicxx', ['--showme:link']);
  if (compile !== null && link !== null) return { compile: pick(split(compile), 'compile'), link: pick(split(link), 'link'), via: 'mpicxx --showme' };
  const mpichCompile = tryRun('mpicxx', ['-compile_info']);
  const mpichLink = tryRun('mpicxx', ['-link_info']);
  if (mpichCompile !== null && mpichLink !== null) {
    return { compile: pick(split(mpichCompile), 'compile'), link: pick(split(mpichLink), 'link'), via: 'mpicxx -compile_info' };
  }
  for (const pkg of ['ompi-c', 'mpich']) {
    const cflags = tryRun('pkg-config', ['--cflags', pkg]);
    const libs = tryRun('pkg-config', ['--libs', pkg]);
    if (cflags !== null && libs !== null) return { compile: pick(split(cflags), 'compile'), link: pick(split(libs), 'link'), via: `pkg-config ${pkg}` };
  }
  return null;
}

function nodeGyp() {
  if (process.env.npm_config_node_gyp) return process.env.npm_config_node_gyp;
  const bundled = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (fs.existsSync(bundled)) return bundled;
  return require.resolve('node-gyp/bin/node-gyp.js', { paths: [root] });
}

const args = process.argv.slice(2);
if (args[0] === '--flags') {
  const flags = mpiFlags();
  if (!flags) {
    console.error(`simdtrain: no MPI found; ${INSTALL_HINT}`);
    process.exit(1);
  }
  process.stdout.write((flags[args[1]] || []).join(' '));
  process.exit(0);
}
const flags = mpiFlags();
if (!flags) {
  console.log(`simdtrain: no MPI installation found (no mpicxx, no pkg-config ompi-c/mpich): the distributed addon is not built; ${INSTALL_HINT}`);
  process.exit(args.includes('--require') ? 1 : 0);
}
console.log(`simdtrain: building the MPI addon with flags from ${flags.via}`);
const r = spawnSync(process.execPath, [nodeGyp(), 'rebuild', '--directory', path.join(root, 'native', 'mpi')], { stdio: 'inherit' });
process.exit(r.status === null ? 1 : r.status);
