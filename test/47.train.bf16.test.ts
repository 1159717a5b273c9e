// bf16 training: per-layer `precision: 'bf16'` on Dense and Conv2D, and
// fit({ precision: 'bf16' }). Forward and parameter gradients of bf16 layers
// against fp64 references within the documented bf16 bound (docs/bf16.md),
// a shortened MNIST MLP / convnet run against fp32 at the same seed, configs.
import { describe, expect, it } from 'vitest';
import * as simd from 'simdtrain';

const U = 2 ** -24;
/** The documented bound against the fp64 product of the original inputs, per unit of Σ|a·b|, for k products. */
const bf16Bound = (k: number) => (2 ** -7 + 2 ** -16 + (k + 4) * U) * 1.02;
const fp32Bound = (k: number) => (k + 4) * U * 1.02;

/** [Σ f(t), Σ |f(t)|] over t < n, in double. */
function dot(n: number, f: (t: number) => number): [number, number] {
  let sum = 0, abs = 0;
  for (let t = 0; t < n; t++) {
    const p = f(t);
    sum += p;
    abs += Math.abs(p);
  }
  return [sum, abs];
}

function rand(n: number, seed: number, scale = 1): Float32Array {
  let x = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return scale * ((x >>> 8) * 2 ** -24 * 2 - 1);
  });
}

describe('Dense with precision bf16', () => {
  const rows = 37, inF = 300, outF = 40;
  function model(precision: 'fp32' | 'bf16') {
    const m = new simd.Sequential([new simd.Dense(inF, outF, { precision })], { seed: 3 });
    const layer = m.layers[0] as simd.Dense;
    layer.bias.set(rand(outF, 9, 0.5));
    const x = simd.matrix(rows, inF, rand(rows * inF, 5));
    const y = m.forward(x);
    const dy = simd.matrix(rows, outF, rand(rows * outF, 7));
    m.backward(dy);
    return { layer, x: x.data, y: y.data, dy: dy.data, dw: Float32Array.from(layer.weightGrad), db: Float32Array.from(layer.biasGrad) };
  }

  it('forward and dW are within the bf16 bound of fp64 (and fp32 within the fp32 bound); db stays fp32', () => {
    for (const precision of ['bf16', 'fp32'] as const) {
      const { layer, x, y, dy, dw, db } = model(precision);
      const w = layer.weight, b = layer.bias;
      const bound = precision === 'bf16' ? bf16Bound : fp32Bound;
      let worstY = 0, worstW = 0;
      for (let r = 0; r < rows; r++) {
        for (let o = 0; o < outF; o++) {
          const [ref, abs] = dot(inF, (i) => x[r * inF + i] * w[i * outF + o]);
          const err = Math.abs(y[r * outF + o] - (ref + b[o]));
          worstY = Math.max(worstY, err / (bound(inF) * abs + 2 * U * (Math.abs(ref) + Math.abs(b[o]))));
        }
      }
      for (let i = 0; i < inF; i++) {
        for (let o = 0; o < outF; o++) {
          const [ref, abs] = dot(rows, (r) => x[r * inF + i] * dy[r * outF + o]);
          worstW = Math.max(worstW, Math.abs(dw[i * outF + o] - ref) / (bound(rows) * abs));
        }
      }
      expect([precision, worstY <= 1, worstW <= 1]).toEqual([precision, true, true]);
      for (let o = 0; o < outF; o++) {
        const [ref, abs] = dot(rows, (r) => dy[r * outF + o]);
        expect(Math.abs(db[o] - ref)).toBeLessThanOrEqual(fp32Bound(rows) * abs);
      }
    }
  });

  it('really rounds to bf16: outputs and gradients differ from the fp32 layer', () => {
    const a = model('bf16'), b = model('fp32');
    expect(a.y.some((v, i) => v !== b.y[i])).toBe(true);
    expect(a.dw.some((v, i) => v !== b.dw[i])).toBe(true);
    // The relative error of same-sign-free sums is about 2^-8: far above fp32's.
    let rel = 0;
    a.y.forEach((v, i) => (rel = Math.max(rel, Math.abs(v - b.y[i]) / (Math.abs(b.y[i]) + 1e-3))));
    expect(rel).toBeGreaterThan(2 ** -14);
  });

  it('keeps precision in its config and checkpoints stay fp32', () => {
    const d = new simd.Dense(4, 3, { precision: 'bf16' });
    expect(d.config().precision).toBe('bf16');
    expect(simd.Dense.fromConfig(d.config()).precision).toBe('bf16');
    expect(new simd.Dense(4, 3).config().precision).toBeUndefined();
    expect(() => new simd.Dense(4, 3, { precision: 'fp16' as never })).toThrow(/'precision'/);
    const m = new simd.Sequential([new simd.Dense(4, 3, { precision: 'bf16' })], { seed: 1 });
    expect(m.parameters()[0].data).toBeInstanceOf(Float32Array);
  });
});

describe('Conv2D with precision bf16', () => {
  const n = 2, c = 3, h = 7, w = 6, co = 5, k = 3;
  function model(precision: 'fp32' | 'bf16') {
    const m = new simd.Sequential([new simd.Conv2D(co, k, { padding: 1, inputShape: [c, h, w], precision })], { seed: 4 });
    const layer = m.layers[0] as simd.Conv2D;
    const x = simd.matrix(n, c * h * w, rand(n * c * h * w, 11));
    const y = m.forward(x);
    const dy = simd.matrix(n, co * h * w, rand(n * co * h * w, 13));
    m.backward(dy);
    const bound = layer.bound as Record<string, { data: Float32Array; grad: Float32Array }>;
    return { x: x.data, y: y.data, dy: dy.data, wt: bound.weight.data, b: bound.bias.data, dw: Float32Array.from(bound.weight.grad) };
  }
  // NCHW activations, HWIO filter [k, k, c, co], padding 1, stride 1.
  const xAt = (x: Float32Array, b: number, ch: number, i: number, j: number) => (i < 0 || j < 0 || i >= h || j >= w ? 0 : x[((b * c + ch) * h + i) * w + j]);

  it('forward and dW are within the bf16 bound of fp64 (fp32 within the fp32 bound)', () => {
    for (const precision of ['bf16', 'fp32'] as const) {
      const { x, y, dy, wt, b, dw } = model(precision);
      const bound = precision === 'bf16' ? bf16Bound : fp32Bound;
      let worstY = 0, worstW = 0;
      for (let bi = 0; bi < n; bi++) for (let o = 0; o < co; o++) for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) {
        let ref = 0, abs = 0;
        for (let di = 0; di < k; di++) for (let dj = 0; dj < k; dj++) for (let ch = 0; ch < c; ch++) {
          const p = xAt(x, bi, ch, i + di - 1, j + dj - 1) * wt[((di * k + dj) * c + ch) * co + o];
          ref += p;
          abs += Math.abs(p);
        }
        const got = y[((bi * co + o) * h + i) * w + j];
        worstY = Math.max(worstY, Math.abs(got - (ref + b[o])) / (bound(k * k * c) * abs + 2 * U * (Math.abs(ref) + Math.abs(b[o])) + 1e-30));
      }
      for (let di = 0; di < k; di++) for (let dj = 0; dj < k; dj++) for (let ch = 0; ch < c; ch++) for (let o = 0; o < co; o++) {
        let ref = 0, abs = 0;
        for (let bi = 0; bi < n; bi++) for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) {
          const p = xAt(x, bi, ch, i + di - 1, j + dj - 1) * dy[((bi * co + o) * h + i) * w + j];
          ref += p;
          abs += Math.abs(p);
        }
        worstW = Math.max(worstW, Math.abs(dw[((di * k + dj) * c + ch) * co + o] - ref) / (bound(n * h * w) * abs + 1e-30));
      }
      expect([precision, worstY <= 1, worstW <= 1]).toEqual([precision, true, true]);
    }
  });

  it('really rounds to bf16 and keeps precision in its config', () => {
    const a = model('bf16'), b = model('fp32');
    expect(a.y.some((v, i) => v !== b.y[i])).toBe(true);
    expect(a.dw.some((v, i) => v !== b.dw[i])).toBe(true);
    const conv = new simd.Conv2D(4, 3, { precision: 'bf16' });
    expect(simd.Conv2D.fromConfig(conv.config()).precision).toBe('bf16');
  });
});

describe('fit({ precision: "bf16" }) on MNIST (shortened)', () => {
  // The full-length comparison (60,000 images, full test set) is
  // bench/bf16_train.bench.js; this run is short enough for the test suite.
  // On 2,000 test images one image is 0.05 points.
  async function train(layers: () => simd.Layer[], precision: 'fp32' | 'bf16', trainN: number, epochs: number, lr: number) {
    const tr = simd.loadMnist('train', { limit: trainN });
    const te = simd.loadMnist('test', { limit: 2000 });
    const model = new simd.Sequential(layers(), { seed: 1 });
    await model.fit(tr.images, tr.labels, { optimizer: new simd.Adam(model.parameters(), { lr }), epochs, batchSize: 64, seed: 1, precision });
    return { acc: (await model.evaluate(te.images, te.labels)).accuracy as number, weights: Float32Array.from(model.parameters()[0].data) };
  }

  it('MLP 784-64-10: test accuracy within 1 point of fp32 at the same seed', async () => {
    const mlp = () => [new simd.Dense(784, 64, { activation: 'relu' }), new simd.Dense(64, 10)];
    const fp = await train(mlp, 'fp32', 4000, 3, 2e-3);
    const bf = await train(mlp, 'bf16', 4000, 3, 2e-3);
    if (process.env.SIMDTRAIN_REPORT) console.log(`MLP accuracy fp32 ${fp.acc} bf16 ${bf.acc}`);
    expect(bf.weights.some((v, i) => v !== fp.weights[i])).toBe(true); // bf16 was used
    expect(fp.acc).toBeGreaterThan(0.85);
    expect(Math.abs(bf.acc - fp.acc)).toBeLessThanOrEqual(0.01);
  }, 120_000);

  it('mnist_convnet: test accuracy within 1.5 points of fp32 at the same seed', async () => {
    const fp = await train(simd.mnistConvnet, 'fp32', 1000, 1, 2e-3);
    const bf = await train(simd.mnistConvnet, 'bf16', 1000, 1, 2e-3);
    if (process.env.SIMDTRAIN_REPORT) console.log(`convnet accuracy fp32 ${fp.acc} bf16 ${bf.acc}`);
    expect(bf.weights.some((v, i) => v !== fp.weights[i])).toBe(true);
    expect(fp.acc).toBeGreaterThan(0.7);
    expect(Math.abs(bf.acc - fp.acc)).toBeLessThanOrEqual(0.015);
  }, 300_000);

  it("refuses an unknown fit precision", async () => {
    const m = new simd.Sequential([new simd.Dense(2, 2)], { seed: 1 });
    await expect(m.fit(simd.matrix(2, 2, new Float32Array(4)), new Int32Array([0, 1]), { optimizer: new simd.SGD(m.parameters(), { lr: 0.1 }), precision: 'fp8' as never })).rejects.toThrow(/'precision'/);
  });
});
