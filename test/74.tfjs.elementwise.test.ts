// The native element-wise kernels behind the tfjs backend (ewBinary, ewStep, and
// the nn ReLU it shares with simdtrain's layers)
// against a plain JS reference (double op rounded to float, as tfjs's cpu
// kernels compute), bit for bit, on every ISA, on sizes that hit every
// vector tail and on unaligned views; bad arguments throw and write nothing.
import { native } from '../dist/native';
import { ACT_CODES } from '../dist/native_codes';
import { describe, expect, it } from 'vitest';
import { withEachIsa } from './helpers/isa';

const ops: Array<(a: number, b: number) => number> = [(a, b) => a + b, (a, b) => a - b, (a, b) => a * b, (a, b) => a / b, (a, b) => b - a, (a, b) => b / a];

function values(n: number, seed: number): Float32Array {
  const special = [0, -0, 1, -1, NaN, Infinity, -Infinity, 1e-40, 3e38];
  const out = new Float32Array(n + 1).subarray(1, n + 1); // unaligned view
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s % 11 === 0 ? special[s % special.length] : (s / 2 ** 32) * 8 - 4;
  }
  return out;
}

describe('elementwise kernels', () => {
  it('ewBinary: every op, both broadcasts, tails, every ISA', () => {
    withEachIsa((isa) => {
      for (const [rows, cols] of [[1, 1], [1, 37], [3, 17], [5, 1], [2, 64], [4, 33]]) {
        for (let op = 0; op < ops.length; op++) {
          for (const mode of [0, 1]) {
            const a = values(rows * cols, 7 + op), b = values(mode === 0 ? cols : rows, 13 + op);
            const out = new Float32Array(rows * cols);
            native.ewBinary(op, mode, rows, cols, a, b, out);
            const want = Float32Array.from({ length: rows * cols }, (_, i) => ops[op](a[i], b[mode === 0 ? i % cols : Math.floor(i / cols)]));
            expect(out, `${isa} op ${op} mode ${mode} ${rows}x${cols}`).toEqual(want);
          }
        }
      }
    });
  });

  it('ewStep: NaN kept, > 0 gives 1, else alpha, every ISA', () => {
    withEachIsa((isa) => {
      for (const n of [1, 7, 16, 33, 100]) {
        const x = values(n, n), out = new Float32Array(n);
        native.ewStep(x, 0.5, out);
        expect(out, isa).toEqual(Float32Array.from(x, (v) => (Number.isNaN(v) ? NaN : v > 0 ? 1 : 0.5)));
      }
    });
  });

  it('nnBiasAct relu (the tfjs Relu kernel): Math.max(0, x) (NaN kept, -0 -> +0), every ISA', () => {
    withEachIsa((isa) => {
      for (const n of [1, 7, 16, 33, 100]) {
        const x = values(n, 3 * n), out = new Float32Array(n);
        x[0] = -0;
        native.nnBiasAct(x, 1, n, null, out, ACT_CODES.relu, 0);
        expect(out, isa).toEqual(Float32Array.from(x, (v) => Math.max(0, v)));
        expect(Object.is(out[0], -0)).toBe(false);
      }
    });
  });

  it('in place on a is allowed; bad arguments throw and leave out unchanged', () => {
    const a = new Float32Array([1, 2, 3, 4]);
    native.ewBinary(2, 0, 2, 2, a, new Float32Array([10, 100]), a);
    expect(Array.from(a)).toEqual([10, 200, 30, 400]);
    const out = new Float32Array(4).fill(7);
    expect(() => native.ewBinary(6, 0, 2, 2, a, new Float32Array(2), out)).toThrow(RangeError);
    expect(() => native.ewBinary(0, 2, 2, 2, a, new Float32Array(2), out)).toThrow(RangeError);
    expect(() => native.ewBinary(0, 0, 2, 2, a, new Float32Array(3), out)).toThrow(/'b'/);
    expect(() => native.ewBinary(0, 1, 2, 3, a, new Float32Array(2), out)).toThrow(/'a'/);
    expect(() => native.ewBinary(0, 0, 2, 2, a, out.subarray(0, 2), out)).toThrow(RangeError);
    expect(() => native.ewBinary(0, 0, 2, 2, a, [1, 2] as unknown as Float32Array, out)).toThrow(TypeError);
    expect(() => native.ewStep(a, 0, new Float32Array(3))).toThrow(/'out'/);
    expect(Array.from(out)).toEqual([7, 7, 7, 7]);
  });
});
