// Fuzz specs: vector primitives, CPU and thread controls.
'use strict';
const { rng, f32, size } = require('./spec-util');

module.exports = [
  { name: 'vec.fill', make: (s) => { const r = rng(s); return [f32(r, size(r)), r()]; }, call: (m, a) => m.vec.fill(...a) },
  { name: 'vec.scale', make: (s) => { const r = rng(s); return [f32(r, size(r)), r()]; }, call: (m, a) => m.vec.scale(...a) },
  { name: 'vec.axpy', make: (s) => { const r = rng(s); const n = size(r); return [r(), f32(r, n), f32(r, n)]; }, call: (m, a) => m.vec.axpy(...a) },
  { name: 'vec.dot', make: (s) => { const r = rng(s); const n = size(r); return [f32(r, n), f32(r, n)]; }, call: (m, a) => m.vec.dot(...a) },
  { name: 'vec.sum', make: (s) => { const r = rng(s); return [f32(r, size(r))]; }, call: (m, a) => m.vec.sum(...a) },
  { name: 'vec.sumOfSquares', make: (s) => { const r = rng(s); return [f32(r, size(r))]; }, call: (m, a) => m.vec.sumOfSquares(...a) },
  { name: 'fmaPeakGflops', make: (s) => [1 + (s % 2), 1e-3], call: (m, a) => m.fmaPeakGflops({ threads: a[0], seconds: a[1] }) },
  { name: 'setNumThreads', make: (s) => [1 + (s % 2)], call: (m, a) => m.setNumThreads(...a) },
  { name: 'setIsa', make: () => ['scalar'], call: (m, a) => { try { return m.setIsa(...a); } finally { m.setIsa(m.cpuInfo().best); } } },
];
