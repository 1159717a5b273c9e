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
const RNG_CHECKSUM = Number(process.env.SMOKE_RNG_CHECKSUM || 0) || null;
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
  check(`${isa} sgemm, all transposes`, () => {
    const [m, n, k] = [37, 29, 41];
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
      const a = randomFloats(m * k, 5), b = randomFloats(k * n, 6), c = randomFloats(m * n, 7);
      const c0 = Float32Array.from(c);
      simd.sgemm(ta, tb, m, n, k, 0.75, a, ta ? m : k, b, tb ? k : n, -0.5, c, n);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let acc = 0;
          for (let p = 0; p < k; p++) acc += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
          near(c[i * n + j], 0.75 * acc - 0.5 * c0[i * n + j], 2e-6 * Math.sqrt(k) * (k + 1), `${isa} sgemm ${ta}${tb}`);
        }
      }
    }
  });
  check(`${isa} errors`, () => {
    assert.throws(() => simd.vec.sum([1, 2]), TypeError);
    assert.throws(() => simd.vec.axpy(1, new Float32Array(2), new Float32Array(3)), RangeError);
  });
}
simd.setIsa(info.best);

// The counter-based RNG gives the same bits on every ISA, and on every
// architecture: scripts/arm64-check.js passes the host's checksum in
// SMOKE_RNG_CHECKSUM to the arm64 run.
check('rng same bits on every ISA', () => {
  const fills = info.supported.map((isa) => {
    simd.setIsa(isa);
    const out = new Float32Array(1003);
    simd.rng.normal(out, { mean: 0, std: 1, seed: 2026 });
    return new Uint32Array(out.buffer);
  });
  simd.setIsa(info.best);
  for (const f of fills) assert.deepStrictEqual(f, fills[0]);
  let checksum = 0;
  for (const w of fills[0]) checksum = (Math.imul(checksum, 31) + w) >>> 0;
  console.log(`rng checksum ${checksum}`);
  if (RNG_CHECKSUM !== null) assert.strictEqual(checksum, RNG_CHECKSUM, 'rng bits differ from the host architecture');
});
check('MLP forward/backward agree across ISAs', () => {
  const run = () => {
    const net = new simd.Sequential([new simd.Dense(13, 17, { activation: 'gelu' }), new simd.Dense(17, 5, { activation: 'softmax' })], { seed: 3 });
    const x = { rows: 9, cols: 13, data: randomFloats(9 * 13, 4) };
    const y = net.forward(x);
    net.backward({ rows: 9, cols: 5, data: randomFloats(9 * 5, 8) });
    return [Float32Array.from(y.data), Float32Array.from(net.parameters()[0].grad)];
  };
  const results = info.supported.map((isa) => { simd.setIsa(isa); return run(); });
  simd.setIsa(info.best);
  for (const [y, g] of results) {
    y.forEach((v, i) => near(v, results[0][0][i], 1e-5, 'forward'));
    g.forEach((v, i) => near(v, results[0][1][i], 1e-5, 'weight gradient'));
  }
});
check('initializer statistics', () => {
  const w = simd.heUniform([400, 300], { seed: 1 });
  const limit = Math.sqrt(6 / 400);
  assert.ok(w.every((v) => Math.abs(v) <= limit));
  const mean = w.reduce((a, b) => a + b, 0) / w.length;
  assert.ok(Math.abs(mean) < 0.01 * limit);
});

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
