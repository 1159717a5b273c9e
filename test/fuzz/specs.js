// One spec per exported native function: how to build a valid call.
// `make(seed)` returns a fresh, valid argument array; `call(simd, args)` calls
// the public API. Every export of the package root that reaches native code
// must have a spec here (test/90.fuzz.boundary.test.ts checks the list).
'use strict';

function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x / 2 ** 32;
  };
}
const f32 = (r, n) => Float32Array.from({ length: n }, () => r() * 2 - 1);
const size = (r, max = 40) => Math.floor(r() * max);

const vectorSpecs = [
  { name: 'vec.fill', make: (s) => { const r = rng(s); return [f32(r, size(r)), r()]; }, call: (m, a) => m.vec.fill(...a) },
  { name: 'vec.scale', make: (s) => { const r = rng(s); return [f32(r, size(r)), r()]; }, call: (m, a) => m.vec.scale(...a) },
  { name: 'vec.axpy', make: (s) => { const r = rng(s); const n = size(r); return [r(), f32(r, n), f32(r, n)]; }, call: (m, a) => m.vec.axpy(...a) },
  { name: 'vec.dot', make: (s) => { const r = rng(s); const n = size(r); return [f32(r, n), f32(r, n)]; }, call: (m, a) => m.vec.dot(...a) },
  { name: 'vec.sum', make: (s) => { const r = rng(s); return [f32(r, size(r))]; }, call: (m, a) => m.vec.sum(...a) },
  { name: 'vec.sumOfSquares', make: (s) => { const r = rng(s); return [f32(r, size(r))]; }, call: (m, a) => m.vec.sumOfSquares(...a) },
  { name: 'setNumThreads', make: (s) => [1 + (s % 2)], call: (m, a) => m.setNumThreads(...a) },
  { name: 'setIsa', make: () => ['scalar'], call: (m, a) => { try { return m.setIsa(...a); } finally { m.setIsa(m.cpuInfo().best); } } },
];

/** All specs whose functions exist in this build of the package. */
function all(simd) {
  const specs = [...vectorSpecs];
  return specs.filter((s) => {
    try {
      return typeof s.call === 'function' && s.make(1) && true;
    } catch {
      return false;
    }
  });
}

module.exports = { all, rng, f32, size };
