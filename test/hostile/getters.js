// Class 3: user code (getters, proxies) that detaches or resizes an argument
// in the middle of a synchronous call.
'use strict';
const { simd, syncCase, detach } = require('./probe-util');

const n = 64;
const f = () => new Float32Array(n * n).fill(1);
const resizable = () => {
  const rab = new ArrayBuffer(4 * n * n, { maxByteLength: 4 * n * n });
  return { rab, view: new Float32Array(rab).fill(1) };
};

for (const which of ['A', 'B', 'C']) {
  syncCase(`sgemm: options.bias getter detaches ${which}`, () => {
    const args = { A: f(), B: f(), C: f() };
    const opts = { get bias() { detach(args[which].buffer); return new Float32Array(n); } };
    simd.sgemm(false, false, n, n, n, 1, args.A, n, args.B, n, 0, args.C, n, opts);
  });
  syncCase(`sgemm: options.activation getter resizes ${which} to 0`, () => {
    const r = resizable();
    const args = { A: f(), B: f(), C: f(), [which]: r.view };
    const opts = { get activation() { r.rab.resize(0); return 'relu'; } };
    simd.sgemm(false, false, n, n, n, 1, args.A, n, args.B, n, 0, args.C, n, opts);
  });
  syncCase(`sgemmAsync: proxy options detach ${which}`, () => {
    const args = { A: f(), B: f(), C: f() };
    const opts = new Proxy({}, { get() { detach(args[which].buffer); return undefined; }, has() { detach(args[which].buffer); return true; } });
    const p = simd.sgemmAsync(false, false, n, n, n, 1, args.A, n, args.B, n, 0, args.C, n, opts);
    p.catch(() => {});
  });
}
syncCase('matmul: out getter detaches a', () => {
  const a = simd.matrix(n, n, f());
  const opts = { get out() { detach(a.data.buffer); return undefined; } };
  simd.matmul(a, simd.matrix(n, n, f()), opts);
});

// Optimizer lists: an index getter detaches a param read earlier.
const optimCase = (name, mutate) =>
  syncCase(name, () => {
    const w = new Float32Array(4096).fill(1), g = new Float32Array(4096).fill(0.5);
    const param = { data: w, grad: g };
    const opt = new simd.SGD([param], { lr: 0.1, momentum: 0.9 });
    mutate(param);
    opt.step();
  });
optimCase('optimizer: grad getter detaches the param data', (p) => {
  const g = p.grad;
  Object.defineProperty(p, 'grad', { get() { detach(p.data.buffer); return g; } });
});
optimCase('optimizer: data getter resizes the grad', (p) => {
  const rab = new ArrayBuffer(4 * 4096, { maxByteLength: 4 * 4096 });
  const grad = new Float32Array(rab);
  const data = p.data;
  p.grad = grad;
  Object.defineProperty(p, 'data', { get() { rab.resize(0); return data; } });
});
syncCase('clipGradNorm: array getter detaches an earlier grad', () => {
  const a = { data: new Float32Array(64), grad: new Float32Array(64).fill(3) };
  const b = { data: new Float32Array(64), grad: new Float32Array(64).fill(3) };
  const list = [a];
  Object.defineProperty(list, 1, { get() { detach(a.grad.buffer); return b; }, enumerable: true });
  simd.clipGradNorm(list, 1);
});
// Native list arguments read straight from a Proxy-backed array.
const { native } = require('../../dist/native');
syncCase('native gradNorm: index getter detaches an earlier element', () => {
  const x = new Float32Array(1 << 16).fill(1), y = new Float32Array(1 << 16).fill(1);
  const list = [x];
  Object.defineProperty(list, 1, { get() { detach(x.buffer); return y; }, enumerable: true });
  native.gradNorm(list, 2);
});
syncCase('native scaleAll: index getter resizes an earlier element', () => {
  const rab = new ArrayBuffer(1 << 18, { maxByteLength: 1 << 18 });
  const x = new Float32Array(rab), y = new Float32Array(1 << 16);
  const list = [x];
  Object.defineProperty(list, 1, { get() { rab.resize(0); return y; }, enumerable: true });
  native.scaleAll(list, 2);
});
syncCase('native optimStep: state getter detaches the param', () => {
  const p = new Float32Array(1 << 16), g = new Float32Array(1 << 16), m = new Float32Array(1 << 16);
  const states = [m, null];
  Object.defineProperty(states, 2, { get() { detach(p.buffer); return null; }, enumerable: true });
  const scalars = new Float64Array(14);
  scalars[0] = 1; scalars[1] = 0.1; scalars[3] = 0.9;
  native.optimStep(0, [p], [g], states, scalars, false);
});
console.log('done');
