#!/usr/bin/env node
// >= 100,000 fast-check cases over every exported native function (see
// test/fuzz/boundary.js). Usage: node scripts/fuzz-boundary.js [totalCases] [seed]
'use strict';
const path = require('path');
const simd = require(path.join(__dirname, '..'));
const { fuzzBoundary, fuzzWorkersTerminated, specs, unexpectedRejections } = require('../test/fuzz/boundary.js');

const total = Number(process.argv[2] || 100000);
const seed = Number(process.argv[3] || Date.now() % 2 ** 31);
const list = specs.all();
const perSpec = Math.ceil(total / list.length);
const t0 = Date.now();
const ran = fuzzBoundary(simd, perSpec, seed);
console.log(`boundary fuzz: ${ran} cases over ${list.length} functions (seed ${seed}) in ${((Date.now() - t0) / 1000).toFixed(1)}s: OK`);
(async () => {
  // Pending async calls (some with their arrays taken away) settle first.
  await new Promise((r) => setTimeout(r, 1000));
  if (unexpectedRejections.length) throw new Error(`async calls rejected with other than TypeError/RangeError:\n${unexpectedRejections.slice(0, 10).join('\n')}`);
  const t1 = Date.now();
  for (let round = 0; round < 10; round++) await fuzzWorkersTerminated(path.join(__dirname, '..'), 4, 400, seed + round);
  console.log(`40 Workers terminated mid-fuzz in ${((Date.now() - t1) / 1000).toFixed(1)}s: OK`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
