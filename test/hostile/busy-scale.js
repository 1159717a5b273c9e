// Class 9: claiming buffers must not slow down with many pending calls.
// Queues `count` (default 40,000) small sgemmAsync calls and prints the median
// time of the first and of the last five 5% chunks (a list registry makes the
// last ones several times slower), and the time of 2,000 synchronous calls
// with all of them pending and with none.
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
  // A synchronous call checks its arrays against every pending claim: time
  // 2,000 of them with all `count` calls pending (none completes before we
  // yield) and with none pending.
  const x = new Float32Array(8);
  const syncMs = () => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 2000; i++) simd.vec.sum(x);
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const busyMs = Math.min(syncMs(), syncMs());
  await Promise.all(pending);
  if (outs.some((c) => c[15] !== 4)) throw new Error('wrong result');
  const idleMs = Math.min(syncMs(), syncMs());
  const sorted = (xs) => [...xs].sort((x, y) => x - y);
  const median = (xs) => sorted(xs)[xs.length >> 1];
  console.log(JSON.stringify({ first_ms: median(stamps.slice(0, 5)), last_ms: median(stamps.slice(-5)), total_ms: stamps.reduce((a, b) => a + b, 0), sync2000_idle_ms: idleMs, sync2000_busy_ms: busyMs }));
  console.log('done');
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
