// Gradients of every activation and loss, through the fused training path
// (fit) and the public forward/backward API, against central finite
// differences of a double-precision JS reference (test/helpers/nnref.ts).
import { afterAll, describe, expect, it } from 'vitest';
import { ACTIVATIONS, Dense, Sequential, mse, setIsa, softmaxCrossEntropy, type ActivationName } from 'simdtrain';
import { randomFloats } from './helpers/data';
import { bestIsa, supportedIsas } from './helpers/isa';
import { finiteDifferences, refForward, refLoss, type RefLayer, type RefTarget } from './helpers/nnref';

type LossName = 'mse' | 'softmaxCrossEntropy' | 'binaryCrossEntropy';
const ROWS = 5;

// Random (non-zero) biases: with zero biases a dead ReLU row feeds exact zeros
// forward, putting the next pre-activation exactly on the kink.
function build(hidden: ActivationName, last: ActivationName, outF: number, seed: number) {
  return new Sequential(
    [new Dense(3, 4, { activation: hidden, alpha: 0.1, biasInitializer: 'randomUniform' }), new Dense(4, 3, { activation: hidden, alpha: 0.1, biasInitializer: 'randomUniform' }), new Dense(3, outF, { activation: last, alpha: 0.1, biasInitializer: 'randomUniform' })],
    { seed },
  );
}

/** The model's weights as a double arena plus reference layers viewing it. */
function reference(model: Sequential) {
  const arena = Float64Array.from(model.paramArena);
  let off = 0;
  const layers: RefLayer[] = model.layers.map((l) => {
    const w = arena.subarray(off, off + l.inFeatures * l.outFeatures);
    off += w.length;
    const b = l.useBias ? arena.subarray(off, off + l.outFeatures) : null;
    off += b ? b.length : 0;
    return { inF: l.inFeatures, outF: l.outFeatures, act: l.activation, alpha: l.alpha, w, b };
  });
  return { arena, layers };
}

function data(loss: LossName, outF: number, seed: number) {
  const x = randomFloats(ROWS * 3, seed).map((v) => v * 2);
  if (loss === 'softmaxCrossEntropy') {
    const labels = Array.from({ length: ROWS }, (_, r) => (r * 2 + seed) % outF);
    return { x, y: Int32Array.from(labels), t: { labels } as RefTarget };
  }
  const tf = randomFloats(ROWS * outF, seed + 1).map((v) => (loss === 'binaryCrossEntropy' ? (v > 0 ? 1 : 0) : v));
  const targets = Array.from({ length: ROWS }, (_, r) => Array.from(tf.subarray(r * outF, (r + 1) * outF)));
  return { x, y: { rows: ROWS, cols: outF, data: tf }, t: { targets } as RefTarget };
}

function maxScaledError(actual: Float32Array, expected: Float64Array): number {
  const scale = Math.max(1e-3, ...Array.from(expected, Math.abs));
  let worst = 0;
  expected.forEach((e, i) => (worst = Math.max(worst, Math.abs(actual[i] - e) / scale)));
  return worst;
}

const cases: [LossName, ActivationName, ActivationName][] = [];
for (const act of ACTIVATIONS) cases.push(['mse', act, act]);
for (const act of ['relu', 'tanh', 'gelu'] as ActivationName[]) {
  cases.push(['softmaxCrossEntropy', act, 'linear'], ['softmaxCrossEntropy', act, 'softmax']);
  cases.push(['binaryCrossEntropy', act, 'linear'], ['binaryCrossEntropy', act, 'sigmoid']);
}
cases.push(['softmaxCrossEntropy', 'leakyRelu', 'softmax'], ['binaryCrossEntropy', 'sigmoid', 'sigmoid']);

afterAll(() => setIsa(bestIsa));

describe.each(supportedIsas)('gradient checks on %s', (isa) => {
  it.each(cases)('fit path: %s with hidden %s, last %s', async (loss, hidden, last) => {
    setIsa(isa);
    const outF = loss === 'binaryCrossEntropy' ? 2 : 3;
    const model = build(hidden, last, outF, 7);
    const { x, y, t } = data(loss, outF, 11);
    const { arena, layers } = reference(model);
    let captured = new Float32Array(0);
    const capture = { step: () => void (captured = Float32Array.from(model.gradArena)) };
    await model.fit({ rows: ROWS, cols: 3, data: x }, y, { optimizer: capture, loss, epochs: 1, batchSize: 'full', shuffle: false });
    const fused = (loss === 'softmaxCrossEntropy' && last === 'softmax') || (loss === 'binaryCrossEntropy' && last === 'sigmoid');
    const x64 = Float64Array.from(x);
    const fd = finiteDifferences(arena, () => refLoss(loss, refForward(layers, x64, ROWS, fused), t));
    expect(maxScaledError(captured, fd)).toBeLessThan(2e-3);
  });
});

describe('public forward/backward API', () => {
  it.each(ACTIVATIONS)('mse through a last %s layer matches finite differences', (act) => {
    const model = build('tanh', act, 3, 3);
    const { x, y, t } = data('mse', 3, 5);
    const out = model.forward({ rows: ROWS, cols: 3, data: x });
    const grad = { rows: ROWS, cols: 3, data: new Float32Array(ROWS * 3) };
    const value = mse.compute(out, y as { rows: number; cols: number; data: Float32Array }, grad);
    model.backward(grad);
    const { arena, layers } = reference(model);
    const x64 = Float64Array.from(x);
    expect(Math.abs(value - refLoss('mse', refForward(layers, x64, ROWS), t))).toBeLessThan(1e-5);
    const fd = finiteDifferences(arena, () => refLoss('mse', refForward(layers, x64, ROWS), t));
    expect(maxScaledError(model.gradArena, fd)).toBeLessThan(2e-3);
  });

  it('backward with accumulate adds to the gradients', () => {
    const model = build('relu', 'linear', 3, 9);
    const { x, y } = data('softmaxCrossEntropy', 3, 2);
    const out = model.forward({ rows: ROWS, cols: 3, data: x });
    const grad = { rows: ROWS, cols: 3, data: new Float32Array(ROWS * 3) };
    softmaxCrossEntropy.compute(out, y as Int32Array, grad);
    model.backward(grad);
    const once = Float32Array.from(model.gradArena);
    model.backward(grad, { accumulate: true });
    model.gradArena.forEach((g, i) => expect(g).toBeCloseTo(2 * once[i], 5));
  });
});
