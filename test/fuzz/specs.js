// One spec per exported native function: how to build a valid call.
// `make(seed)` returns a fresh, valid argument array; `call(simd, args)` calls
// the public API (option objects are built from separate arguments so each
// field gets fuzzed on its own). Every export of the package root that reaches
// native code has a spec in one of the specs-*.js files.
'use strict';

const families = [require('./specs-vector'), require('./specs-rng'), require('./specs-gemm'), require('./specs-nn'), require('./specs-optim'), require('./specs-tfjs'), require('./specs-layers'), require('./specs-graph')];

/** All specs (each family is a list). */
function all() {
  return families.flat();
}

module.exports = { all };
