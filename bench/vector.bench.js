// Vector primitives: native (every ISA, 1 and 2 threads) vs plain JS loops on
// Float32Array, measured in the same run. Reports ns/element and the speed-up
// over the JS loop at 1e3, 1e5 and 1e7 elements.
'use strict';
const { timeIt, report } = require('./harness');
const simd = require('..');

const { vec } = simd;
const sizes = [1e3, 1e5, 1e7];

const plainJs = {
  fill: (x) => x.fill(0.5), // the JS built-in is the fair baseline for fill
  scale: (x) => {
    for (let i = 0; i < x.length; i++) x[i] *= 1.0000001;
  },
  axpy: (x, y) => {
    for (let i = 0; i < x.length; i++) y[i] += 1e-7 * x[i];
  },
  dot: (x, y) => {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i] * y[i];
    return s;
  },
  sum: (x) => {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i];
    return s;
  },
  sumOfSquares: (x) => {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i] * x[i];
    return s;
  },
};
const native = {
  fill: (x) => vec.fill(x, 0.5),
  scale: (x) => vec.scale(x, 1.0000001),
  axpy: (x, y) => vec.axpy(1e-7, x, y),
  dot: (x, y) => vec.dot(x, y),
  sum: (x) => vec.sum(x),
  sumOfSquares: (x) => vec.sumOfSquares(x),
};

const rows = [];
const info = simd.cpuInfo();
for (const n of sizes) {
  const x = new Float32Array(n).map((_, i) => Math.sin(i));
  const y = new Float32Array(n).map((_, i) => Math.cos(i));
  const minSeconds = n >= 1e7 ? 1.0 : 0.3;
  for (const name of Object.keys(native)) {
    const js = timeIt(() => plainJs[name](x, y), { minSeconds });
    const row = { kernel: name, n, 'js ns/el': (js.median / n) * 1e9 };
    for (const isa of info.supported) {
      simd.setIsa(isa);
      for (const threads of isa === info.best ? [1, 2] : [1]) {
        simd.setNumThreads(threads);
        const t = timeIt(() => native[name](x, y), { minSeconds });
        row[`${isa}${threads > 1 ? ' 2t' : ''} x`] = js.median / t.median;
      }
    }
    simd.setIsa(info.best);
    simd.setNumThreads(info.threads);
    rows.push(row);
  }
}
report('vector', rows, {
  notes: [
    'columns "<isa> x" are speed-ups over the plain JS loop (median of timed batches, same run); "2t" = 2 threads',
    'fill is compared with the built-in Float32Array.prototype.fill',
  ],
});
