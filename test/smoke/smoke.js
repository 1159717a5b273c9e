#!/usr/bin/env node
// Plain-Node smoke test of the public API against JS references, under every
// supported ISA. Used where vitest cannot run: an arm64 Node under qemu
// (scripts/arm64-check.js) and other Node versions (scripts/node-versions-check.js).
// Prints "N passed, N failed" and exits non-zero on any failure.
'use strict';
const assert = require('assert');
const simd = require(process.env.SIMDTRAIN_PATH || '../..');

let passed = 0;
let failed = 0;
function check(name, fn) {
  try {
    fn();
    passed++;
  } catch (e) {
    failed++;
    console.error(`FAIL ${name}: ${e.message}`);
  }
}

function randomFloats(n, seed) {
  const out = new Float32Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = (x >>> 8) * 2 ** -24 * 2 - 1;
  }
  return out;
}
const sizes = [0, 1, 3, 7, 8, 15, 16, 17, 33, 1000, 100003];
const near = (a, b, tol, what) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

const info = simd.cpuInfo();
console.log(`node ${process.version} ${process.arch}: ${JSON.stringify(info)}`);

for (const isa of info.supported) {
  simd.setIsa(isa);
  check(`${isa} vector primitives`, () => {
    for (const n of sizes) {
      const backing = randomFloats(n + 2, 7 + n);
      const x = backing.subarray(1, n + 1);
      const y0 = randomFloats(n, 3 + n);
      const y = new Float32Array(n + 1).subarray(1);
      y.set(y0);
      simd.vec.axpy(0.5, x, y);
      for (let i = 0; i < n; i++) near(y[i], y0[i] + 0.5 * x[i], 2e-7, `${isa} axpy n=${n} i=${i}`);
      let dot = 0, sum = 0, sq = 0;
      for (let i = 0; i < n; i++) { dot += x[i] * y[i]; sum += x[i]; sq += x[i] * x[i]; }
      const tol = 1e-5 * Math.sqrt(n + 1) * (n + 1) ** 0.5;
      near(simd.vec.dot(x, y), dot, tol, `${isa} dot n=${n}`);
      near(simd.vec.sum(x), sum, tol, `${isa} sum n=${n}`);
      near(simd.vec.sumOfSquares(x), sq, tol, `${isa} sumOfSquares n=${n}`);
    }
  });
  check(`${isa} errors`, () => {
    assert.throws(() => simd.vec.sum([1, 2]), TypeError);
    assert.throws(() => simd.vec.axpy(1, new Float32Array(2), new Float32Array(3)), RangeError);
  });
}
simd.setIsa(info.best);

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
