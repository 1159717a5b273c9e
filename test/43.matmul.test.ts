import { describe, expect, it } from 'vitest';
import { assertMatrix, at, isMatrix, matmul, matrix, type Matrix } from 'simdtrain';
import { randomFloats } from './helpers/data';
import { withEachIsa } from './helpers/isa';

// Plain double reference of act(alpha op(a) op(b) + beta out + bias).
function reference(a: Matrix, b: Matrix, o: { transA?: boolean; transB?: boolean; alpha?: number; beta?: number; c0?: Float32Array; bias?: Float32Array; relu?: boolean }) {
  const m = o.transA ? a.cols : a.rows, k = o.transA ? a.rows : a.cols, n = o.transB ? b.rows : b.cols;
  const out = new Float64Array(m * n), mag = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0, g = 0;
      for (let q = 0; q < k; q++) {
        const x = o.transA ? a.data[q * a.cols + i] : a.data[i * a.cols + q];
        const y = o.transB ? b.data[j * b.cols + q] : b.data[q * b.cols + j];
        s += x * y;
        g += Math.abs(x * y);
      }
      const alpha = o.alpha ?? 1, beta = o.beta ?? 0;
      let v = alpha * s + (beta && o.c0 ? beta * o.c0[i * n + j] : 0) + (o.bias ? o.bias[j] : 0);
      if (o.relu && v < 0) v = 0;
      out[i * n + j] = v;
      mag[i * n + j] = Math.abs(alpha) * g + (beta && o.c0 ? Math.abs(beta * o.c0[i * n + j]) : 0) + (o.bias ? Math.abs(o.bias[j]) : 0);
    }
  }
  return { out, mag, k };
}

function expectClose(got: Matrix, ref: ReturnType<typeof reference>, label: string) {
  const tol = 2e-6 * Math.sqrt(Math.max(1, ref.k));
  const bad = Array.from(got.data).findIndex((v, i) => !(Math.abs(v - ref.out[i]) <= tol * ref.mag[i]));
  expect(bad, label).toBe(-1);
}

describe('Matrix helpers', () => {
  it('matrix() allocates zeros or wraps data after checking the length', () => {
    const z = matrix(2, 3);
    expect([z.rows, z.cols, z.data.length, ...z.data]).toEqual([2, 3, 6, 0, 0, 0, 0, 0, 0]);
    const d = new Float32Array([1, 2, 3, 4, 5, 6]);
    const m = matrix(3, 2, d);
    expect(m.data).toBe(d);
    expect(at(m, 2, 1)).toBe(6);
    expect(() => matrix(2, 2, d)).toThrow(/'data' must have rows \* cols = 4 elements \(got 6\)/);
    expect(() => matrix(-1, 2)).toThrow(RangeError);
    expect(() => matrix(1.5, 2)).toThrow(/'rows' must be a non-negative integer/);
    expect(() => matrix('2' as never, 2)).toThrow(TypeError);
    expect(() => matrix(2, 3, [1, 2, 3, 4, 5, 6] as never)).toThrow(TypeError);
  });

  it('isMatrix / assertMatrix check shape and length', () => {
    expect(isMatrix(matrix(2, 2))).toBe(true);
    expect(isMatrix({ rows: 2, cols: 2, data: new Float32Array(3) })).toBe(false);
    expect(isMatrix({ rows: 1, cols: 1, data: [1] })).toBe(false);
    expect(isMatrix(null)).toBe(false);
    expect(() => assertMatrix({ rows: 2, cols: 2, data: new Float32Array(3) }, 'w')).toThrow(/'w.data' must have rows \* cols = 4/);
    expect(() => assertMatrix(7, 'w')).toThrow(TypeError);
    expect(() => assertMatrix({ rows: 2, cols: -2, data: new Float32Array(0) }, 'w')).toThrow(/'w.cols'/);
  });
});

describe('matmul', () => {
  const x = matrix(37, 19, randomFloats(37 * 19, 1));
  const w = matrix(19, 23, randomFloats(19 * 23, 2));
  const bias = randomFloats(23, 3);

  it('forward X·W with bias + ReLU, on every ISA', () => {
    withEachIsa((isa) => {
      expectClose(matmul(x, w, { bias, activation: 'relu' }), reference(x, w, { bias, relu: true }), isa);
      expectClose(matmul(x, w, { bias }), reference(x, w, { bias }), isa);
    });
  });

  it('backward shapes: Xᵀ·dY and dY·Wᵀ via transA / transB', () => {
    const dy = matrix(37, 23, randomFloats(37 * 23, 4));
    withEachIsa((isa) => {
      const dw = matmul(x, dy, { transA: true });
      expect([dw.rows, dw.cols]).toEqual([19, 23]);
      expectClose(dw, reference(x, dy, { transA: true }), `${isa} dW`);
      const dx = matmul(dy, w, { transB: true });
      expect([dx.rows, dx.cols]).toEqual([37, 19]);
      expectClose(dx, reference(dy, w, { transB: true }), `${isa} dX`);
      const both = matmul(w, x, { transA: true, transB: true });
      expectClose(both, reference(w, x, { transA: true, transB: true }), `${isa} TT`);
    });
  });

  it('alpha, beta and out: accumulate into an existing matrix in place', () => {
    const out = matrix(37, 23, randomFloats(37 * 23, 5));
    const c0 = Float32Array.from(out.data);
    const r = matmul(x, w, { alpha: -0.5, beta: 1, out });
    expect(r).toBe(out);
    expectClose(out, reference(x, w, { alpha: -0.5, beta: 1, c0 }), 'accumulate');
  });

  it('rejects mismatched shapes and bad options, leaving out unchanged', () => {
    const out = matrix(37, 23);
    out.data.fill(3);
    expect(() => matmul(x, x)).toThrow(/inner dimensions differ: op\(a\) is 37x19 but op\(b\) is 37x19/);
    expect(() => matmul(x, w, { out: matrix(23, 37) })).toThrow(/'out' must be 37x23 \(got 23x37\)/);
    expect(() => matmul(x, w, { transA: 1 as never })).toThrow(/'transA' must be a boolean/);
    expect(() => matmul(x, { rows: 19, cols: 23, data: new Float32Array(5) })).toThrow(/'b.data'/);
    expect(() => matmul(x, w, { out, bias: new Float32Array(5) })).toThrow(/'bias' must have N = 23/);
    expect(() => matmul(x, w, { out, alpha: '2' as never })).toThrow(/'alpha' must be a number/);
    expect(() => matmul(x, w, { out, bias: out.data.subarray(0, 23) })).toThrow(/'C' overlaps 'bias'/);
    expect(out.data.every((v) => v === 3)).toBe(true);
  });

  it('empty and degenerate shapes', () => {
    expect(matmul(matrix(0, 5), matrix(5, 3)).data.length).toBe(0);
    const r = matmul(matrix(2, 0), matrix(0, 3), { bias: new Float32Array([1, -2, 3]), activation: 'relu' });
    expect(Array.from(r.data)).toEqual([1, 0, 3, 1, 0, 3]);
  });
});
