// Fuzz specs: the layer-kernel bindings (conv_binding.cc, layer_binding.cc).
// They are internal exports (the layers and the tfjs backend call them), so
// the specs reach them through dist/native.js rather than the package root.
'use strict';
const path = require('path');
const { rng, f32, size } = require('./spec-util');

const { native } = require(path.join(__dirname, '..', '..', 'dist', 'native.js'));

// A small valid convolution: stride/pad/dilation/groups drawn so it fits.
function convShape(r) {
  const groups = 1 + size(r, 2);
  const s = { batch: size(r, 3), inH: 3 + size(r, 4), inW: 3 + size(r, 4), inC: groups * (1 + size(r, 3)), outC: groups * (1 + size(r, 3)), kh: 1 + size(r, 3), kw: 1 + size(r, 3), strideH: 1 + size(r, 2), strideW: 1 + size(r, 2), padTop: size(r, 2), padBottom: size(r, 2), padLeft: size(r, 2), padRight: size(r, 2), dilH: 1, dilW: 1, groups };
  const oh = Math.floor((s.inH + s.padTop + s.padBottom - s.kh) / s.strideH) + 1;
  const ow = Math.floor((s.inW + s.padLeft + s.padRight - s.kw) / s.strideW) + 1;
  return { s, xn: s.batch * s.inH * s.inW * s.inC, wn: s.kh * s.kw * (s.inC / groups) * s.outC, yn: s.batch * oh * ow * s.outC };
}
function poolShape(r) {
  const k = 1 + size(r, 3);
  const s = { batch: size(r, 3), inH: k + size(r, 4), inW: k + size(r, 4), c: 1 + size(r, 5), kh: k, kw: k, strideH: 1 + size(r, 2), strideW: 1 + size(r, 2), padTop: size(r, k), padBottom: 0, padLeft: 0, padRight: size(r, k) };
  const oh = Math.floor((s.inH + s.padTop - k) / s.strideH) + 1, ow = Math.floor((s.inW + s.padRight - k) / s.strideW) + 1;
  return { s, xn: s.batch * s.inH * s.inW * s.c, yn: s.batch * oh * ow * s.c };
}
// Shape fields travel as separate arguments (so each one is fuzzed on its
// own) and are put back into an object by the call.
const CONV_KEYS = ['batch', 'inH', 'inW', 'inC', 'outC', 'kh', 'kw', 'strideH', 'strideW', 'padTop', 'padBottom', 'padLeft', 'padRight', 'dilH', 'dilW', 'groups'];
const POOL_KEYS = ['batch', 'inH', 'inW', 'c', 'kh', 'kw', 'strideH', 'strideW', 'padTop', 'padBottom', 'padLeft', 'padRight'];
const unpack = (keys, s) => keys.map((k) => s[k]);
const pack = (keys, a) => [Object.fromEntries(keys.map((k, i) => [k, a[i]])), ...a.slice(keys.length)];
const convArgs = (r) => { const c = convShape(r); return [...unpack(CONV_KEYS, c.s), f32(r, c.xn), f32(r, c.wn), f32(r, c.s.outC), f32(r, c.yn), new Float32Array(c.xn), new Float32Array(c.wn), new Float32Array(c.s.outC), new Float32Array(c.yn)]; };
const conv = (a) => pack(CONV_KEYS, a);
const poolArgs = (r, arrays) => { const p = poolShape(r); return [...unpack(POOL_KEYS, p.s), ...arrays(p)]; };
const pool = (a) => pack(POOL_KEYS, a);
const rowsC = (r) => [1 + size(r, 9), 1 + size(r, 9)];

module.exports = [
  { name: 'native.conv2dForward', make: (s) => convArgs(rng(s)), call: (m, a) => { const [sh, x, w, b, , , , , y] = conv(a); return native.conv2dForward(sh, x, w, b, true, y); } },
  { name: 'native.conv2dBackward', make: (s) => convArgs(rng(s)), call: (m, a) => { const [sh, x, w, , dy, dx, dw, db] = conv(a); return native.conv2dBackward(sh, x, w, dy, dx, dw, db, true); } },
  { name: 'native.conv2dBackwardInput', make: (s) => convArgs(rng(s)), call: (m, a) => { const [sh, , w, , dy, dx] = conv(a); return native.conv2dBackwardInput(sh, w, dy, dx); } },
  { name: 'native.conv2dBackwardFilter', make: (s) => convArgs(rng(s)), call: (m, a) => { const [sh, x, , , dy, , dw, db] = conv(a); return native.conv2dBackwardFilter(sh, x, dy, dw, db, false); } },
  { name: 'native.maxPool2dForward', make: (s) => poolArgs(rng(s), (p) => [f32(rng(s + 1), p.xn), new Float32Array(p.yn)]), call: (m, a) => native.maxPool2dForward(...pool(a)) },
  { name: 'native.maxPool2dBackward', make: (s) => poolArgs(rng(s), (p) => [f32(rng(s + 1), p.xn), f32(rng(s + 2), p.yn), new Float32Array(p.xn)]), call: (m, a) => native.maxPool2dBackward(...pool(a)) },
  { name: 'native.avgPool2dForward', make: (s) => poolArgs(rng(s), (p) => [f32(rng(s + 1), p.xn), new Float32Array(p.yn), s % 2 === 0]), call: (m, a) => native.avgPool2dForward(...pool(a)) },
  { name: 'native.avgPool2dBackward', make: (s) => poolArgs(rng(s), (p) => [f32(rng(s + 1), p.yn), new Float32Array(p.xn), s % 2 === 0]), call: (m, a) => native.avgPool2dBackward(...pool(a)) },
  { name: 'native.globalAvgPoolForward', make: (s) => { const r = rng(s); const [b, c] = rowsC(r); const hw = 1 + size(r, 5); return [b, hw, c, f32(r, b * hw * c), new Float32Array(b * c)]; }, call: (m, a) => native.globalAvgPoolForward(...a) },
  { name: 'native.globalAvgPoolBackward', make: (s) => { const r = rng(s); const [b, c] = rowsC(r); const hw = 1 + size(r, 5); return [b, hw, c, f32(r, b * c), new Float32Array(b * hw * c)]; }, call: (m, a) => native.globalAvgPoolBackward(...a) },
  { name: 'native.batchNormForwardTrain', make: (s) => { const r = rng(s); const [n, c] = rowsC(r); return [n, c, f32(r, n * c), f32(r, c), f32(r, c), 1e-5, 0.1, f32(r, c), f32(r, c).map(Math.abs), new Float32Array(c), new Float32Array(c), new Float32Array(n * c)]; }, call: (m, a) => native.batchNormForwardTrain(...a) },
  { name: 'native.batchNormForwardEval', make: (s) => { const r = rng(s); const [n, c] = rowsC(r); return [n, c, f32(r, n * c), f32(r, c), f32(r, c), f32(r, c), f32(r, c).map(Math.abs), 1e-5, new Float32Array(n * c)]; }, call: (m, a) => native.batchNormForwardEval(...a) },
  { name: 'native.batchNormBackward', make: (s) => { const r = rng(s); const [n, c] = rowsC(r); return [n, c, f32(r, n * c), f32(r, n * c), f32(r, c), f32(r, c), f32(r, c).map(Math.abs), new Float32Array(n * c), new Float32Array(c), new Float32Array(c), r() < 0.5]; }, call: (m, a) => native.batchNormBackward(...a) },
  { name: 'native.layerNormForward', make: (s) => { const r = rng(s); const [n, d] = rowsC(r); return [n, d, f32(r, n * d), f32(r, d), f32(r, d), 1e-5, new Float32Array(n), new Float32Array(n), new Float32Array(n * d)]; }, call: (m, a) => native.layerNormForward(...a) },
  { name: 'native.layerNormBackward', make: (s) => { const r = rng(s); const [n, d] = rowsC(r); return [n, d, f32(r, n * d), f32(r, n * d), f32(r, d), f32(r, n), f32(r, n).map(Math.abs), new Float32Array(n * d), new Float32Array(d), new Float32Array(d), r() < 0.5]; }, call: (m, a) => native.layerNormBackward(...a) },
  { name: 'native.dropoutForward', make: (s) => { const r = rng(s); const n = size(r, 50); return [f32(r, n), r() * 0.9, size(r, 1000), size(r, 1000), new Float32Array(n)]; }, call: (m, a) => native.dropoutForward(...a) },
  { name: 'native.dropoutBackward', make: (s) => { const r = rng(s); const n = size(r, 50); return [f32(r, n), r() * 0.9, size(r, 1000), size(r, 1000), new Float32Array(n)]; }, call: (m, a) => native.dropoutBackward(...a) },
  { name: 'native.embeddingForward', make: (s) => { const r = rng(s); const v = 1 + size(r, 9), d = 1 + size(r, 9), n = size(r, 9); return [Int32Array.from({ length: n }, () => size(r, v)), v, d, f32(r, v * d), new Float32Array(n * d)]; }, call: (m, a) => native.embeddingForward(...a) },
  { name: 'native.embeddingBackward', make: (s) => { const r = rng(s); const v = 1 + size(r, 9), d = 1 + size(r, 9), n = size(r, 9); return [Int32Array.from({ length: n }, () => size(r, v)), v, d, f32(r, n * d), new Float32Array(v * d)]; }, call: (m, a) => native.embeddingBackward(...a) },
];
