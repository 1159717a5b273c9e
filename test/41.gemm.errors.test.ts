import { describe, expect, it } from 'vitest';
import { sgemm, sgemmAsync } from 'simdtrain';

// A valid 3x4 = (3x5)(5x4) call; each case breaks exactly one argument.
type Args = Parameters<typeof sgemm>;
const fresh = (): Args => [
  false, false, 3, 4, 5, 1, new Float32Array(15).fill(1), 5, new Float32Array(20).fill(1), 4, 0,
  new Float32Array(12).fill(7), 4,
];
const withArg = (i: number, v: unknown): Args => {
  const a = fresh();
  (a as unknown[])[i] = v;
  return a;
};

function expectRejected(args: Args, kind: typeof TypeError | typeof RangeError, message: RegExp) {
  // When C itself is the bad argument there is nothing to watch.
  const C = args[11] instanceof Float32Array ? args[11] : new Float32Array(0);
  const before = Array.from(C);
  expect(() => sgemm(...args)).toThrow(kind);
  expect(() => sgemm(...args)).toThrow(message);
  expect(() => sgemmAsync(...args)).toThrow(message); // thrown synchronously, before any work
  expect(C.every((v, i) => Object.is(v, before[i]))).toBe(true);
}

describe('sgemm rejects bad input, naming the argument, without writing C', () => {
  it('the valid baseline call works (so the cases below fail for their one change)', () => {
    const args = fresh();
    sgemm(...args);
    expect(Array.from(args[11])).toEqual(Array(12).fill(5));
  });

  it('wrong kinds are TypeErrors', () => {
    const names = ['transA', 'transB', 'M', 'N', 'K', 'alpha', 'A', 'lda', 'B', 'ldb', 'beta', 'C', 'ldc'];
    const bad: Record<string, unknown[]> = {
      transA: [1, null, undefined, {}], transB: [0, []],
      M: ['3', null, 3n], N: [undefined, {}], K: [true], alpha: ['1', null], beta: [undefined],
      lda: ['5'], ldb: [null], ldc: [[4]],
      A: [new Float64Array(15), [1, 2], null], B: [new Int32Array(20), 'x'], C: [new Uint8Array(12), undefined],
    };
    names.forEach((name, i) => {
      for (const v of bad[name]) expectRejected(withArg(i, v), TypeError, new RegExp(`'${name}'`));
    });
  });

  it('negative, non-integer, NaN and unsafe sizes are RangeErrors', () => {
    const sizes: [number, string][] = [[2, 'M'], [3, 'N'], [4, 'K'], [7, 'lda'], [9, 'ldb'], [12, 'ldc']];
    for (const [i, name] of sizes) {
      for (const v of [-1, 1.5, NaN, Infinity, 2 ** 53]) {
        expectRejected(withArg(i, v), RangeError, new RegExp(`'${name}' must be a non-negative integer`));
      }
    }
    expectRejected(withArg(0, 'X'), RangeError, /'transA' must be false\/'N' or true\/'T'/);
  });

  it('leading dimensions below the stored row length are RangeErrors', () => {
    expectRejected(withArg(7, 4), RangeError, /'lda' must be >= max\(1, K\) = 5 \(got 4\)/);
    expectRejected(withArg(9, 3), RangeError, /'ldb' must be >= max\(1, N\) = 4 \(got 3\)/);
    expectRejected(withArg(12, 0), RangeError, /'ldc' must be >= max\(1, N\) = 4 \(got 0\)/);
    const t = fresh();
    t[0] = true; // A stored 5x3: lda >= M = 3
    t[7] = 2;
    expectRejected(t, RangeError, /'lda' must be >= max\(1, M\) = 3/);
    const u = fresh();
    u[1] = true; // B stored 4x5: ldb >= K = 5
    expectRejected(u, RangeError, /'ldb' must be >= max\(1, K\) = 5/);
  });

  it('arrays shorter than (rows-1)*ld + cols are RangeErrors', () => {
    expectRejected(withArg(6, new Float32Array(14)), RangeError, /'A' is too short: needs 15 elements, has 14/);
    expectRejected(withArg(8, new Float32Array(19)), RangeError, /'B' is too short: needs 20/);
    expectRejected(withArg(11, new Float32Array(11)), RangeError, /'C' is too short: needs 12/);
    const padded = fresh();
    padded[12] = 6; // C rows 6 apart: needs 2*6 + 4 = 16
    padded[11] = new Float32Array(15);
    expectRejected(padded, RangeError, /'C' is too short: needs 16 elements, has 15/);
  });

  it('huge sizes (M = N = 2**31) and overflowing spans are RangeErrors, not crashes', () => {
    const big = fresh();
    big[2] = 2 ** 31;
    big[3] = 2 ** 31;
    big[9] = 2 ** 31;
    big[12] = 2 ** 31;
    expectRejected(big, RangeError, /'A' is too short|'B' is too short|'C' is too short/);
    const over = fresh();
    over[2] = 2 ** 40; // A is 2^40 rows of lda = 2^40: the span overflows 64 bits
    over[7] = 2 ** 40;
    expectRejected(over, RangeError, /'A' size overflows/);
  });

  it('C overlapping A or B (or the bias) is a RangeError; disjoint views of one buffer are fine', () => {
    const buf = new Float32Array(64).fill(1);
    const a = fresh();
    a[6] = buf.subarray(0, 15);
    a[11] = buf.subarray(10, 22);
    expectRejected(a, RangeError, /'C' overlaps 'A'/);
    const b = fresh();
    b[8] = buf.subarray(30, 50);
    b[11] = buf.subarray(40, 52);
    expectRejected(b, RangeError, /'C' overlaps 'B'/);
    const ok = fresh();
    ok[6] = buf.subarray(0, 15);
    ok[11] = buf.subarray(15, 27);
    sgemm(...ok);
    expect(Array.from(buf.subarray(15, 27))).toEqual(Array(12).fill(5));
    const c = fresh();
    expect(() => sgemm(...c, { bias: c[11].subarray(0, 4) })).toThrow(/'C' overlaps 'bias'/);
  });

  it('bad epilogue options are errors naming the option', () => {
    const args = fresh();
    const C = args[11];
    expect(() => sgemm(...args, { bias: new Float32Array(3) })).toThrow(/'bias' must have N = 4 elements \(got 3\)/);
    expect(() => sgemm(...args, { bias: new Float64Array(4) as never })).toThrow(TypeError);
    expect(() => sgemm(...args, { activation: 'tanh' as never })).toThrow(/'activation' must be 'relu' or 'none'/);
    expect(() => sgemm(...args, { activation: 1 as never })).toThrow(TypeError);
    expect(() => sgemm(...args, 5 as never)).toThrow(/'options' must be an object/);
    expect(Array.from(C)).toEqual(Array(12).fill(7));
  });

  it('detached buffers are RangeErrors', () => {
    const a = fresh();
    structuredClone(a[6].buffer, { transfer: [a[6].buffer] });
    expectRejected(a, RangeError, /'A' is backed by a detached ArrayBuffer/);
  });
});
