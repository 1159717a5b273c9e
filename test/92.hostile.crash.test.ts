// Issue #13: no sequence of public calls kills the process. Each probe runs
// in its own Node process (test/hostile/*.js), so a crash fails one test
// instead of the runner; each prints "ok <case>" lines and then "done".
import { describe, expect, it } from 'vitest';
import { describeExit, runProbe } from './helpers/child';

function expectClean(file: string, args: string[] = []): string {
  const r = runProbe({ file }, args);
  expect(r.signal, describeExit(r)).toBeNull();
  expect(r.status, describeExit(r)).toBe(0);
  expect(r.stderr, describeExit(r)).not.toMatch(/terminate called|Assertion|FATAL ERROR|AddressSanitizer/);
  expect(r.stdout.trimEnd().split('\n').pop(), describeExit(r)).toBe('done');
  return r.stdout;
}

describe('hostile use never crashes the process', () => {
  it('class 1: labels rewritten by a Worker while nnLoss indexes with them', () => {
    expect(expectClean('labels-race.js')).toMatch(/ok nnLoss under racing labels/);
  });

  it('class 2: buffers transferred, detached or resized while async work is pending', () => {
    const out = expectClean('detach-async.js');
    expect(out.match(/^ok /gm)?.length).toBe(10);
  });

  it('classes 1, 2 and 8 in fit/evaluate: labels rewritten, inputs transferred, loadWeights racing fit, empty fit', () => {
    const out = expectClean('fit-races.js');
    expect(out).toMatch(/ok loadWeights racing fit: one is refused/);
    expect(out).toMatch(/ok empty fit: RangeError/);
  });

  it('class 3: getters and proxies that detach or resize arguments mid-call', () => {
    const out = expectClean('getters.js');
    expect(out.match(/^ok /gm)?.length).toBe(16);
  });

  it('class 4: Workers terminated or exiting mid-call', () => {
    const out = expectClean('worker-teardown.js');
    expect(out).toMatch(/ok terminate during synchronous calls/);
  });

  it('class 5: an allocation failure becomes a JS error, not an abort', () => {
    // SIMDTRAIN_TEST_FAIL_ALLOC (read by the addon at load) makes the native
    // allocations of async work throw std::bad_alloc.
    const code = `
      const simd = require('simdtrain');
      const n = 8, a = new Float32Array(n * n), c = new Float32Array(n * n);
      try {
        simd.sgemmAsync(false, false, n, n, n, 1, a, n, a, n, 0, c, n);
        console.log('queued');
      } catch (e) {
        console.log(e.constructor.name + ': ' + e.message);
      }
      simd.sgemm(false, false, n, n, n, 1, a, n, a, n, 0, c, n);
      console.log('done');
    `;
    const r = runProbe({ code }, [], 60_000, { SIMDTRAIN_TEST_FAIL_ALLOC: '1' });
    expect(r.status, describeExit(r)).toBe(0);
    expect(r.stdout).toMatch(/^RangeError: simdtrain: sgemmAsync: out of memory$/m);
    expect(r.stdout).toMatch(/done/);
  });

  it('class 9: claims stay O(log n) with 20,000 async calls pending', () => {
    const out = expectClean('busy-scale.js', ['20000']);
    const { sync2000_idle_ms: idle, sync2000_busy_ms: busy } = JSON.parse(out.split('\n')[0]);
    // With a list registry every sync call scanned all 60,000 claimed ranges
    // (>100x slower); a tree answers in O(log n).
    expect(busy).toBeLessThan(10 * idle + 5);
  });

  it('class 11: setIsa / setNumThreads in a Worker change the whole process (documented)', () => {
    const out = expectClean('worker-isa.js');
    const { after } = JSON.parse(out.split('\n')[0]);
    expect(after).toEqual(['scalar', 3]);
  });
});
