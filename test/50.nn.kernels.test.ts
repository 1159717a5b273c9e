// The nn kernels (functional.* and the losses) on every ISA against a plain
// double-precision JS reference, on shapes that hit every vector tail, with
// unaligned subarray views and guard elements that must stay untouched.
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, binaryCrossEntropy, functional, mse, setNumThreads, softmaxCrossEntropy, type ActivationName } from 'simdtrain';
import { guardedView, randomFloats, TAIL_SIZES } from './helpers/data';
import { withEachIsa } from './helpers/isa';
import { actRow, erf, type Act } from './helpers/nnref';

const ALPHA = 0.05;
const mat = (rows: number, cols: number, data: Float32Array) => ({ rows, cols, data });
// (rows, cols): every tail as a row length, plus one big flat case.
const SHAPES: [number, number][] = [...TAIL_SIZES.filter((n) => n < 1000).flatMap((c) => [[1, c], [3, c]] as [number, number][]), [1000003, 1], [257, 1000]];

function actGrad(act: Act, z: number, y: number): number {
  switch (act) {
    case 'relu': return z > 0 ? 1 : 0;
    case 'leakyRelu': return z > 0 ? 1 : ALPHA;
    case 'sigmoid': return y * (1 - y);
    case 'tanh': return 1 - y * y;
    case 'gelu': return 0.5 * (1 + erf(z / Math.SQRT2)) + (z * Math.exp(-0.5 * z * z)) / Math.sqrt(2 * Math.PI);
    default: return 1;
  }
}

describe.each([1, 2])('nn kernels match the JS reference (%i threads)', (threads) => {
  it.each(ACTIVATIONS)('biasActivation: %s', (act: ActivationName) => {
    setNumThreads(threads);
    withEachIsa((isa) => {
      for (const [rows, cols] of SHAPES) {
        if (rows * cols > 100000 && (act === 'softmax' || threads === 2) && isa !== 'avx512') continue; // keep the big case cheap
        const n = rows * cols;
        const x = guardedView(randomFloats(n, 3 + cols).map((v) => v * 10), 3);
        const bias = guardedView(randomFloats(cols, 5), 1);
        const y = guardedView(new Float32Array(n), 2);
        functional.biasActivation(mat(rows, cols, x.view), bias.view, act, mat(rows, cols, y.view), ALPHA);
        expect(y.guardsIntact(), `${isa} ${act} ${rows}x${cols} guards`).toBe(true);
        const step = n > 100000 ? 97 : 1; // sample the big case
        for (let r = 0; r < rows; r += step) {
          const z = Array.from({ length: cols }, (_, j) => x.view[r * cols + j] + bias.view[j]);
          const want = actRow(act as Act, z, ALPHA);
          for (let j = 0; j < cols; j++) {
            const err = Math.abs(y.view[r * cols + j] - want[j]);
            if (!(err <= 5e-6 * Math.abs(want[j]) + 1e-9)) expect(err, `${isa} ${act} ${rows}x${cols} [${r},${j}]`).toBeLessThanOrEqual(5e-6 * Math.abs(want[j]) + 1e-9);
          }
        }
      }
    });
  });

  it.each(ACTIVATIONS)('activationBackward: %s', (act) => {
    setNumThreads(threads);
    withEachIsa((isa) => {
      for (const [rows, cols] of SHAPES.filter(([r, c]) => r * c < 100000)) {
        const n = rows * cols;
        const x = mat(rows, cols, guardedView(randomFloats(n, 7 + cols).map((v) => v * 6), 1).view);
        const y = mat(rows, cols, new Float32Array(n));
        functional.biasActivation(x, null, act, y, ALPHA);
        const dy = mat(rows, cols, randomFloats(n, 2));
        const dx = guardedView(new Float32Array(n), 3);
        functional.activationBackward(x, y, dy, act, mat(rows, cols, dx.view), ALPHA);
        expect(dx.guardsIntact()).toBe(true);
        for (let r = 0; r < rows; r++) {
          let dot = 0;
          for (let j = 0; j < cols; j++) dot += dy.data[r * cols + j] * y.data[r * cols + j];
          for (let j = 0; j < cols; j++) {
            const i = r * cols + j;
            const g = act === 'softmax' ? y.data[i] * (dy.data[i] - dot) : dy.data[i] * actGrad(act as Act, x.data[i], y.data[i]);
            // dx is computed from the float output y (as PyTorch does): 1 - y² near
            // saturation carries y's rounding, so allow ~3e-7 of |dy| on top.
            const tol = 3e-6 * Math.abs(g) + 3e-7 * Math.abs(dy.data[i]);
            const err = Math.abs(dx.view[i] - g);
            if (!(err <= tol)) expect(err, `${isa} ${act} ${rows}x${cols} [${i}]`).toBeLessThanOrEqual(tol);
          }
        }
      }
    });
  });

  it('columnSums: same bits on every ISA and thread count, exact float order', () => {
    setNumThreads(threads);
    for (const [rows, cols] of [[0, 5], [1, 1], [7, 17], [300, 33], [128, 256], [64, 1000]] as [number, number][]) {
      const x = guardedView(randomFloats(rows * cols, cols), 1).view;
      const want = new Float32Array(cols).fill(0.25);
      for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) want[j] = Math.fround(want[j] + x[r * cols + j]);
      withEachIsa((isa) => {
        const out = guardedView(new Float32Array(cols).fill(0.25), 2);
        functional.columnSums(mat(rows, cols, x), out.view, true);
        expect(Array.from(out.view), `${isa} ${rows}x${cols}`).toEqual(Array.from(want));
        expect(out.guardsIntact()).toBe(true);
      });
    }
  });
});

describe('losses on every ISA', () => {
  it('softmaxCrossEntropy, mse and binaryCrossEntropy match double references, grads included', () => {
    withEachIsa((isa) => {
      for (const cols of [1, 2, 3, 7, 10, 16, 17, 33]) {
        const rows = 9;
        const z = guardedView(randomFloats(rows * cols, cols).map((v) => v * 20), 1).view;
        z[0] = 300; // huge logit stays finite
        const labels = Int32Array.from({ length: rows }, (_, r) => (r * 5) % cols);
        const grad = guardedView(new Float32Array(rows * cols), 3);
        const loss = softmaxCrossEntropy.compute(mat(rows, cols, z), labels, mat(rows, cols, grad.view));
        let want = 0;
        for (let r = 0; r < rows; r++) {
          const row = Array.from(z.subarray(r * cols, (r + 1) * cols));
          const m = Math.max(...row);
          const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
          want += lse - row[labels[r]];
          row.forEach((v, j) => {
            const g = (Math.exp(v - lse) - (j === labels[r] ? 1 : 0)) / rows;
            expect(Math.abs(grad.view[r * cols + j] - g), `${isa} xent grad`).toBeLessThan(1e-7);
          });
        }
        expect(Math.abs(loss - want / rows), `${isa} xent cols=${cols}`).toBeLessThan(1e-5 * (1 + want / rows));
        expect(grad.guardsIntact()).toBe(true);

        const t = randomFloats(rows * cols, 3).map((v) => (v > 0 ? 1 : 0));
        const bce = binaryCrossEntropy.compute(mat(rows, cols, z), mat(rows, cols, t), mat(rows, cols, grad.view));
        let wantBce = 0;
        z.forEach((v, i) => (wantBce += Math.max(v, 0) - v * t[i] + Math.log1p(Math.exp(-Math.abs(v)))));
        expect(Math.abs(bce - wantBce / z.length), `${isa} bce`).toBeLessThan(1e-5 * (1 + wantBce / z.length));
        z.forEach((v, i) => expect(Math.abs(grad.view[i] - (1 / (1 + Math.exp(-v)) - t[i]) / z.length)).toBeLessThan(1e-7));

        const m2 = mse.compute(mat(rows, cols, z), mat(rows, cols, t), mat(rows, cols, grad.view));
        let wantMse = 0;
        z.forEach((v, i) => (wantMse += (v - t[i]) ** 2));
        expect(Math.abs(m2 - wantMse / z.length)).toBeLessThan(1e-5 * (1 + wantMse / z.length));
      }
    });
  });

  it('softmaxCrossEntropy with target distributions equals the label form for one-hot targets', () => {
    const z = randomFloats(4 * 5, 1).map((v) => v * 3);
    const labels = Int32Array.from([0, 4, 2, 2]);
    const onehot = new Float32Array(20);
    labels.forEach((l, r) => (onehot[r * 5 + l] = 1));
    const a = softmaxCrossEntropy.compute(mat(4, 5, z), labels);
    const b = softmaxCrossEntropy.compute(mat(4, 5, z), mat(4, 5, onehot));
    expect(b).toBeCloseTo(a, 6);
    expect(softmaxCrossEntropy.compute(mat(4, 5, z), Uint8Array.from(labels))).toBe(a);
  });

  it('allFinite finds NaN and Infinity anywhere', () => {
    withEachIsa(() => {
      for (const n of TAIL_SIZES.filter((v) => v > 0 && v < 100000)) {
        const x = randomFloats(n, n);
        expect(functional.allFinite(x)).toBe(true);
        x[n - 1] = NaN;
        expect(functional.allFinite(x)).toBe(false);
        x[n - 1] = -Infinity;
        expect(functional.allFinite(x)).toBe(false);
      }
    });
  });
});
