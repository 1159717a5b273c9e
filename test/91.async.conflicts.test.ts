// While an async operation runs, calls that would race with it are refused
// with a RangeError (and change nothing); reads of its inputs are fine.
import { describe, expect, it } from 'vitest';
import { sgemmAsync, vec } from 'simdtrain';

const n = 384;
const make = () => ({
  a: new Float32Array(n * n).fill(0.5),
  b: new Float32Array(n * n).fill(0.25),
  c: new Float32Array(n * n),
});

describe('async operations claim their buffers', () => {
  it('refuses writes to an input and any use of the output while pending', async () => {
    const { a, b, c } = make();
    const pending = sgemmAsync(false, false, n, n, n, 1, a, n, b, n, 0, c, n);
    expect(() => vec.scale(a, 2)).toThrow(RangeError); // writes what the GEMM reads
    expect(() => vec.scale(a, 2)).toThrow(/'x' is in use by a pending async operation that reads it/);
    expect(() => vec.sum(c)).toThrow(/'x' is in use by a pending async operation that writes it/);
    expect(() => vec.fill(c.subarray(5, 9), 1)).toThrow(RangeError); // a view into the output
    expect(() => sgemmAsync(false, false, n, n, n, 1, a, n, b, n, 0, c, n)).toThrow(/'C' is in use/);
    expect(vec.sum(a)).toBe(0.5 * n * n); // reading an input is fine
    await pending;
    expect(c[0]).toBe(0.5 * 0.25 * n);
    vec.fill(c, 0); // released after it settles
    expect(vec.sum(c)).toBe(0);
  });

  it('two async products that only share inputs run concurrently', async () => {
    const { a, b, c } = make();
    const c2 = new Float32Array(n * n);
    await Promise.all([
      sgemmAsync(false, false, n, n, n, 1, a, n, b, n, 0, c, n),
      sgemmAsync(true, false, n, n, n, 1, a, n, b, n, 0, c2, n),
    ]);
    expect(c[7]).toBe(c2[7]);
  });

  it('the claim is released when the operation fails validation (nothing queued)', async () => {
    const { a, b, c } = make();
    expect(() => sgemmAsync(false, false, n, n, n, 1, a, n, b, n, 0, c, n - 1)).toThrow(/'ldc'/);
    vec.fill(c, 1); // not blocked
    expect(c[0]).toBe(1);
  });
});
