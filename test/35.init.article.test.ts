// The article's two warnings, shown on a tiny 2-layer sigmoid MLP written
// here in plain JS (forward, backward, SGD), initialized by our initializers:
//  1. all-zero weights: every hidden unit stays identical after training;
//  2. large weights: sigmoid saturates and its gradients vanish.
import { describe, expect, it } from 'vitest';
import { glorotUniform, randomNormal, rng, zeros } from 'simdtrain';

const IN = 4, HIDDEN = 8, BATCH = 64;
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

interface Net { w1: Float32Array; b1: Float32Array; w2: Float32Array; b2: Float32Array } // w1 [IN, HIDDEN], w2 [HIDDEN, 1]

// XOR-like data: label 1 when the first two inputs have the same sign.
const xs = rng.uniform(new Float32Array(BATCH * IN), { low: -1, high: 1, seed: 314 });
const ts = Array.from({ length: BATCH }, (_, b) => (xs[b * IN] * xs[b * IN + 1] > 0 ? 1 : 0));

/** One full-batch pass: returns gradients, loss and the mean sigmoid derivative of the hidden layer. */
function pass(net: Net) {
  const g = { w1: new Float64Array(IN * HIDDEN), b1: new Float64Array(HIDDEN), w2: new Float64Array(HIDDEN), b2: 0 };
  let loss = 0, derivSum = 0;
  for (let b = 0; b < BATCH; b++) {
    const x = xs.subarray(b * IN, (b + 1) * IN);
    const h = new Float64Array(HIDDEN);
    let z2 = net.b2[0];
    for (let j = 0; j < HIDDEN; j++) {
      let z = net.b1[j];
      for (let i = 0; i < IN; i++) z += x[i] * net.w1[i * HIDDEN + j];
      h[j] = sigmoid(z);
      derivSum += h[j] * (1 - h[j]);
      z2 += h[j] * net.w2[j];
    }
    const y = sigmoid(z2);
    loss -= ts[b] ? Math.log(y + 1e-12) : Math.log(1 - y + 1e-12);
    const dz2 = (y - ts[b]) / BATCH; // binary cross-entropy through the sigmoid
    g.b2 += dz2;
    for (let j = 0; j < HIDDEN; j++) {
      g.w2[j] += dz2 * h[j];
      const dz1 = dz2 * net.w2[j] * h[j] * (1 - h[j]);
      g.b1[j] += dz1;
      for (let i = 0; i < IN; i++) g.w1[i * HIDDEN + j] += x[i] * dz1;
    }
  }
  return { g, loss: loss / BATCH, meanDeriv: derivSum / (BATCH * HIDDEN) };
}

function train(net: Net, steps: number, lr = 2) {
  for (let s = 0; s < steps; s++) {
    const { g } = pass(net);
    net.w1.forEach((_, k) => (net.w1[k] -= lr * g.w1[k]));
    net.b1.forEach((_, k) => (net.b1[k] -= lr * g.b1[k]));
    net.w2.forEach((_, k) => (net.w2[k] -= lr * g.w2[k]));
    net.b2[0] -= lr * g.b2;
  }
  return net;
}

const makeNet = (w1: Float32Array, w2: Float32Array): Net => ({ w1, b1: new Float32Array(HIDDEN), w2, b2: new Float32Array(1) });
// Hidden unit j's incoming weights (column j of w1) plus its outgoing weight.
const unit = (net: Net, j: number) => [...Array.from({ length: IN }, (_, i) => net.w1[i * HIDDEN + j]), net.w2[j]];

describe("the article's warnings about initial weights", () => {
  it('all-zero weights: hidden units receive identical updates and stay identical (symmetry is never broken)', () => {
    const net = train(makeNet(zeros([IN, HIDDEN]), zeros([HIDDEN, 1])), 300);
    const first = unit(net, 0);
    expect(first.some((v) => Math.abs(v) > 1e-3)).toBe(true); // it did train
    for (let j = 1; j < HIDDEN; j++) expect(unit(net, j)).toEqual(first);

    // Control: random (Glorot) weights give hidden units that differ.
    const glorot = train(makeNet(glorotUniform([IN, HIDDEN], { seed: 1 }), glorotUniform([HIDDEN, 1], { seed: 2 })), 300);
    const spread = Math.max(...unit(glorot, 1).map((v, i) => Math.abs(v - unit(glorot, 0)[i])));
    expect(spread).toBeGreaterThan(0.05);
  });

  it('large weights: sigmoid saturates, its derivative and the first-layer gradient vanish', () => {
    const w2 = glorotUniform([HIDDEN, 1], { seed: 2 });
    const good = pass(makeNet(glorotUniform([IN, HIDDEN], { seed: 1 }), w2));
    const big = pass(makeNet(randomNormal({ std: 20 })([IN, HIDDEN], { seed: 1 }), w2));
    // σ'(z) <= 1/4, reached at z = 0: Glorot keeps z small, std-20 weights do not.
    expect(good.meanDeriv).toBeGreaterThan(0.2);
    expect(big.meanDeriv).toBeLessThan(0.05);
    const norm = (a: Float64Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));
    expect(norm(big.g.w1) / norm(good.g.w1)).toBeLessThan(0.25);
  });
});
