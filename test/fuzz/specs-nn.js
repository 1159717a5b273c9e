// Fuzz specs: nn functional kernels, losses, Sequential passes.
'use strict';
const { rng, f32, size } = require('./spec-util');

const mat = (rows, cols, data) => ({ rows, cols, data });
const dims = (r) => [1 + size(r, 9), 1 + size(r, 9)];
const acts = ['linear', 'relu', 'leakyRelu', 'sigmoid', 'tanh', 'gelu', 'softmax'];

let model = null; // one small model, built lazily, reused by the Sequential specs
function smallModel(m) {
  if (!model) model = new m.Sequential([new m.Dense(6, 5, { activation: 'relu' }), new m.Dense(5, 3)], { seed: 1 });
  return model;
}

module.exports = [
  {
    name: 'functional.biasActivation',
    make: (s) => { const r = rng(s); const [rows, cols] = dims(r); return [rows, cols, f32(r, rows * cols), f32(r, cols), acts[size(r, acts.length)], new Float32Array(rows * cols), 0.01]; },
    call: (m, [rows, cols, x, bias, act, out, alpha]) => m.functional.biasActivation(mat(rows, cols, x), bias, act, mat(rows, cols, out), alpha),
  },
  {
    name: 'functional.activationBackward',
    make: (s) => { const r = rng(s); const [rows, cols] = dims(r); return [rows, cols, f32(r, rows * cols), f32(r, rows * cols), f32(r, rows * cols), acts[size(r, acts.length - 1)], new Float32Array(rows * cols)]; },
    call: (m, [rows, cols, x, y, dy, act, dx]) => m.functional.activationBackward(mat(rows, cols, x), mat(rows, cols, y), mat(rows, cols, dy), act, mat(rows, cols, dx)),
  },
  {
    name: 'functional.columnSums',
    make: (s) => { const r = rng(s); const [rows, cols] = dims(r); return [rows, cols, f32(r, rows * cols), new Float32Array(cols), r() < 0.5]; },
    call: (m, [rows, cols, x, out, acc]) => m.functional.columnSums(mat(rows, cols, x), out, acc),
  },
  {
    name: 'functional.allFinite',
    make: (s) => { const r = rng(s); return [f32(r, size(r, 50))]; },
    call: (m, [x]) => m.functional.allFinite(x),
  },
  {
    name: 'softmaxCrossEntropy.compute',
    make: (s) => { const r = rng(s); const [rows, cols] = dims(r); return [rows, cols, f32(r, rows * cols), Int32Array.from({ length: rows }, () => size(r, cols)), new Float32Array(rows * cols)]; },
    call: (m, [rows, cols, out, labels, grad]) => m.softmaxCrossEntropy.compute(mat(rows, cols, out), labels, mat(rows, cols, grad)),
  },
  {
    name: 'mse.compute',
    make: (s) => { const r = rng(s); const [rows, cols] = dims(r); return [rows, cols, f32(r, rows * cols), f32(r, rows * cols)]; },
    call: (m, [rows, cols, out, target]) => m.mse.compute(mat(rows, cols, out), mat(rows, cols, target)),
  },
  {
    name: 'Sequential.forward+backward',
    make: (s) => { const r = rng(s); const rows = 1 + size(r, 6); return [rows, f32(r, rows * 6), f32(r, rows * 3)]; },
    call: (m, [rows, x, dOut]) => {
      const net = smallModel(m);
      net.forward(mat(rows, 6, x));
      net.backward(mat(rows, 3, dOut));
    },
  },
  {
    name: 'Sequential.predict',
    make: (s) => { const r = rng(s); const rows = 1 + size(r, 6); return [rows, f32(r, rows * 6)]; },
    call: (m, [rows, x]) => smallModel(m).predict(mat(rows, 6, x)),
  },
];
