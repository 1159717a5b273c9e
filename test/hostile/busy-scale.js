// Class 9: claiming buffers must not slow down with many pending calls.
// Queues `count` (default 40,000) small sgemmAsync calls and prints the median
// time of the first and of the last five 5% chunks (a list registry makes the
// last ones several times slower).
'use strict';
const { simd } = require('./probe-util');

(async () => {
  const count = Number(process.argv[2] || 40_000), chunk = count / 20;
  const a = new Float32Array(16).fill(1), b = new Float32Array(16).fill(1);
  const outs = Array.from({ length: count }, () => new Float32Array(16));
  const pending = new Array(count);
  const stamps = [];
  let t = process.hrtime.bigint();
  for (let i = 0; i < count; ++i) {
    pending[i] = simd.sgemmAsync(false, false, 4, 4, 4, 1, a, 4, b, 4, 0, outs[i], 4);
    if ((i + 1) % chunk === 0) {
      const now = process.hrtime.bigint();
      stamps.push(Number(now - t) / 1e6);
      t = now;
    }
  }
  await Promise.all(pending);
  if (outs.some((c) => c[15] !== 4)) throw new Error('wrong result');
  const sorted = (xs) => [...xs].sort((x, y) => x - y);
  const median = (xs) => sorted(xs)[xs.length >> 1];
  console.log(JSON.stringify({ first_ms: median(stamps.slice(0, 5)), last_ms: median(stamps.slice(-5)), total_ms: stamps.reduce((x, y) => x + y, 0) }));
  console.log('done');
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
