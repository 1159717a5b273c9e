// Shared by the hostile probes (each run in its own process by
// test/92.hostile.crash.test.ts): a crash kills only the probe.
'use strict';
const simd = require('simdtrain');

const allowed = (e) => e instanceof TypeError || e instanceof RangeError || (e instanceof Error && /simdtrain/.test(e.message));

/** Runs `fn`; a throw must be a TypeError/RangeError or a simdtrain Error. */
function syncCase(name, fn) {
  try {
    fn();
  } catch (e) {
    if (!allowed(e)) throw new Error(`${name}: unexpected ${e && e.constructor && e.constructor.name}: ${e && e.message}`);
  }
  console.log(`ok ${name}`);
}

/** Awaits a promise (or a function returning one) the same way. */
async function asyncCase(name, fn) {
  try {
    await fn();
  } catch (e) {
    if (!allowed(e)) throw new Error(`${name}: unexpected ${e && e.constructor && e.constructor.name}: ${e && e.message}`);
  }
  console.log(`ok ${name}`);
}

/** Allocates and drops memory so the GC runs (no --expose-gc needed). */
function gcPressure(rounds = 40) {
  let keep = 0;
  for (let i = 0; i < rounds; ++i) keep += new Float32Array(1 << 20).length + new ArrayBuffer(1 << 20).byteLength;
  return keep;
}

const detach = (buffer) => structuredClone(buffer, { transfer: [buffer] });

module.exports = { simd, syncCase, asyncCase, gcPressure, detach };
