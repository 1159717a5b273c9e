// Fuzz specs: the element-wise kernels of the tfjs backend (raw addon calls;
// lib/tfjs/kernels/elementwise.ts is their only caller).
'use strict';
const path = require('path');
const { rng, f32, size } = require('./spec-util');

const addon = () => require(path.join(__dirname, '..', '..', 'dist', 'native')).native;

module.exports = [
  {
    name: 'ewBinary',
    make: (s) => {
      const r = rng(s);
      const rows = 1 + size(r, 9), cols = 1 + size(r, 9), mode = size(r, 2);
      return [size(r, 6), mode, rows, cols, f32(r, rows * cols), f32(r, mode === 0 ? cols : rows), new Float32Array(rows * cols)];
    },
    call: (m, a) => addon().ewBinary(...a),
  },
  {
    name: 'ewStep',
    make: (s) => { const r = rng(s); const n = size(r); return [f32(r, n), r(), new Float32Array(n)]; },
    call: (m, a) => addon().ewStep(...a),
  },
];
