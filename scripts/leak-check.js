#!/usr/bin/env node
// RSS must stay flat over many native calls: 10^6 synchronous calls across the
// API (including calls that throw), and 10^4 async calls whose JS references
// are dropped while they run. Run with --expose-gc (the script re-executes
// itself with it). Prints RSS figures; exits non-zero when RSS grows by more
// than the allowed slack after warm-up.
'use strict';
const { execFileSync } = require('child_process');
const path = require('path');

if (typeof global.gc !== 'function') {
  execFileSync(process.execPath, ['--expose-gc', __filename, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(0);
}

const simd = require(path.join(__dirname, '..'));
const MB = 1024 * 1024;
const rss = () => {
  global.gc();
  return process.memoryUsage().rss / MB;
};

const x = new Float32Array(64).fill(1);
const y = new Float32Array(64).fill(2);
const short = new Float32Array(3);

// One round of synchronous calls: successes and validation failures.
const syncCalls = [
  () => simd.vec.axpy(0.5, x, y),
  () => simd.vec.dot(x, y),
  () => simd.vec.sum(x.subarray(1)),
  () => simd.cpuInfo(),
  () => {
    try {
      simd.vec.axpy(1, x, short);
    } catch {
      /* expected RangeError */
    }
  },
  () => {
    try {
      simd.vec.sum([1, 2]);
    } catch {
      /* expected TypeError */
    }
  },
];
// Async calls, registered by kernel families that have async forms.
const asyncCalls = [];
if (simd.sgemmAsync) {
  asyncCalls.push(() => simd.sgemmAsync(false, false, 8, 8, 8, 1, new Float32Array(64), 8, new Float32Array(64), 8, 0, new Float32Array(64), 8));
}

function measureSync(total) {
  const per = Math.ceil(total / syncCalls.length);
  const warm = rss();
  let start = warm;
  for (let round = 0; round < per; round++) {
    for (const call of syncCalls) call();
    if (round === Math.floor(per / 10)) start = rss(); // after warm-up
  }
  const end = rss();
  return { calls: per * syncCalls.length, startMB: start, endMB: end, growthMB: end - start };
}

async function measureAsync(total) {
  if (!asyncCalls.length) return null;
  const start0 = rss();
  let start = start0;
  const inFlight = 32;
  let done = 0;
  while (done < total) {
    const batch = [];
    for (let i = 0; i < inFlight && done + i < total; i++) batch.push(asyncCalls[(done + i) % asyncCalls.length]());
    global.gc(); // arrays are only referenced by the pending operations now
    await Promise.all(batch);
    done += batch.length;
    if (done >= total / 10 && start === start0) start = rss();
  }
  const end = rss();
  return { calls: done, startMB: start, endMB: end, growthMB: end - start };
}

(async () => {
  const syncResult = measureSync(Number(process.env.LEAK_SYNC_CALLS || 1e6));
  console.log(`sync:  ${syncResult.calls} calls, RSS ${syncResult.startMB.toFixed(1)} -> ${syncResult.endMB.toFixed(1)} MB (growth ${syncResult.growthMB.toFixed(2)} MB)`);
  const asyncResult = await measureAsync(Number(process.env.LEAK_ASYNC_CALLS || 1e4));
  if (asyncResult) {
    console.log(`async: ${asyncResult.calls} calls, RSS ${asyncResult.startMB.toFixed(1)} -> ${asyncResult.endMB.toFixed(1)} MB (growth ${asyncResult.growthMB.toFixed(2)} MB)`);
  } else {
    console.log('async: no async API exported yet');
  }
  const slackMB = 8;
  const bad = syncResult.growthMB > slackMB || (asyncResult && asyncResult.growthMB > slackMB);
  console.log(bad ? `FAIL: RSS grew more than ${slackMB} MB` : `OK: RSS flat within ${slackMB} MB`);
  process.exit(bad ? 1 : 0);
})();
