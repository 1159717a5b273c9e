// What the async ownership rule costs (docs/threads-and-memory.md):
// sgemmAsync copies its inputs into native memory and its result back.
// Compared in one run: sync sgemm (no copy, no thread hop), sgemmAsync over
// ordinary arrays (copied) and over SharedArrayBuffer arrays (used in place,
// so: the same async path without the copies). Copy cost = copied - shared.
'use strict';
const { timeIt, timeItAsync, report } = require('./harness');
const { sgemm, sgemmAsync } = require('..');

const make = (n, shared) => {
  const buf = shared ? new SharedArrayBuffer(4 * n * n) : new ArrayBuffer(4 * n * n);
  return new Float32Array(buf).fill(0.5);
};

(async () => {
  const rows = [];
  for (const n of [32, 128, 512, 1024]) {
    const a = make(n, false), b = make(n, false), c = make(n, false);
    const sa = make(n, true), sb = make(n, true), sc = make(n, true);
    const opts = { minSeconds: 0.6 };
    const sync = timeIt(() => sgemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n), opts).median;
    const shared = (await timeItAsync(() => sgemmAsync(false, false, n, n, n, 1, sa, n, sb, n, 0, sc, n), opts)).median;
    const copied = (await timeItAsync(() => sgemmAsync(false, false, n, n, n, 1, a, n, b, n, 0, c, n), opts)).median;
    rows.push({
      'M=N=K': n,
      'sgemm (us)': +(sync * 1e6).toFixed(1),
      'async, SAB in place (us)': +(shared * 1e6).toFixed(1),
      'async, copied (us)': +(copied * 1e6).toFixed(1),
      'copy cost (us)': +((copied - shared) * 1e6).toFixed(1),
      'copied / in place': +(copied / shared).toFixed(3),
    });
  }
  report('async_copy', rows, { notes: ['medians; copies are A and B in, C out (beta = 0: C is not read)'] });
})();
