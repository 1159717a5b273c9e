// Fuzz specs: sgemm / sgemmAsync / matmul / setBf16.
'use strict';
const { rng, f32, size } = require('./spec-util');

function gemmArgs(s) {
  const r = rng(s);
  const [m, n, k] = [size(r, 12), size(r, 12), size(r, 12)];
  const ta = r() < 0.5, tb = r() < 0.5;
  const lda = Math.max(1, ta ? m : k) + size(r, 3);
  const ldb = Math.max(1, tb ? k : n) + size(r, 3);
  const ldc = Math.max(1, n) + size(r, 3);
  const rowsA = ta ? k : m, rowsB = tb ? n : k;
  return [ta, tb, m, n, k, r(), f32(r, rowsA * lda), lda, f32(r, rowsB * ldb), ldb, r() < 0.5 ? 0 : r(), f32(r, m * ldc), ldc, f32(r, n), r() < 0.5 ? 'relu' : 'none', r() < 0.5 ? 'bf16' : 'fp32'];
}

module.exports = [
  {
    name: 'sgemm',
    make: gemmArgs,
    call: (m, a) => m.sgemm(...a.slice(0, 13), { bias: a[13], activation: a[14], precision: a[15] }),
  },
  {
    name: 'sgemmAsync',
    make: gemmArgs,
    call: (m, a) => m.sgemmAsync(...a.slice(0, 13), { precision: a[15] }),
  },
  {
    name: 'setBf16',
    make: () => ['emulate'],
    call: (m, a) => {
      const before = m.cpuInfo().bf16.active;
      try {
        return m.setBf16(...a);
      } finally {
        m.setBf16(before);
      }
    },
  },
  {
    name: 'matmul',
    make: (s) => {
      const r = rng(s);
      const [rows, inner, cols] = [1 + size(r, 9), 1 + size(r, 9), 1 + size(r, 9)];
      return [rows, inner, f32(r, rows * inner), inner, cols, f32(r, inner * cols), new Float32Array(rows * cols)];
    },
    call: (m, [r1, c1, d1, r2, c2, d2, out]) =>
      m.matmul({ rows: r1, cols: c1, data: d1 }, { rows: r2, cols: c2, data: d2 }, { out: { rows: r1, cols: c2, data: out } }),
  },
];
