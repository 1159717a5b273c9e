// The native tfjs optimizers (simdtrain/tfjs) against tfjs's own, step by
// step: same variables, same gradients, every value equal bit for bit, on
// every ISA; state variables and iteration counts as tfjs keeps them.
import * as tf from '@tensorflow/tfjs';
import { nativeTrain, useNativeOptimizers } from 'simdtrain/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { withEachIsa } from './helpers/isa';
import { uniform } from './helpers/tfjs-compare';

useNativeOptimizers(false); // tf.train.* below are tfjs's own optimizers
afterAll(() => useNativeOptimizers(true));

type Make = (t: typeof tf.train | typeof nativeTrain) => tf.Optimizer;
const cases: Array<[string, Make]> = [
  ['sgd', (t) => t.sgd(0.1)],
  ['momentum', (t) => t.momentum(0.05, 0.9)],
  ['momentum nesterov', (t) => t.momentum(0.05, 0.8, true)],
  ['adam', (t) => t.adam(0.01)],
  ['adam custom', (t) => t.adam(0.003, 0.8, 0.95, 1e-4)],
  ['adamax', (t) => t.adamax(0.02, 0.9, 0.99, undefined, 0.01)],
  ['rmsprop', (t) => t.rmsprop(0.01)],
  ['rmsprop momentum', (t) => t.rmsprop(0.01, 0.8, 0.5, 1e-6)],
  ['rmsprop centered', (t) => t.rmsprop(0.001, 0.9, 0.3, 0.1, true)],
  ['adagrad', (t) => t.adagrad(0.1, 0.2)],
  ['adadelta', (t) => t.adadelta(1, 0.9)],
];

// Sizes that leave tails on every vector width; one 2-D variable.
const shapes = [[1], [7], [33], [5, 19]];

/** Runs `steps` steps of the optimizer on fresh variables; returns every variable after each step. */
function run(backend: string, make: () => tf.Optimizer, tag: string, steps = 5): { values: number[][][]; iterations: number; inPlace: boolean } {
  tf.setBackend(backend);
  const vars = shapes.map((s, i) => tf.tidy(() => tf.variable(tf.tensor(uniform(s.reduce((a, b) => a * b, 1), 7 + i, 2), s), true, `${tag}_${backend}_${i}`)));
  const opt = make();
  const values: number[][][] = [];
  const ids = vars.map((v) => v.dataId);
  for (let step = 0; step < steps; step++) {
    const grads: tf.NamedTensorMap = {};
    vars.forEach((v, i) => { grads[v.name] = tf.tensor(uniform(v.size, 100 * step + i + 1, 2), v.shape); });
    opt.applyGradients(grads);
    tf.dispose(Object.values(grads));
    values.push(vars.map((v) => Array.from(v.dataSync())));
  }
  const iterations = opt.iterations;
  // tfjs's own step assigns new tensors; the native one writes in place.
  const inPlace = vars.every((v, i) => v.dataId === ids[i]);
  opt.dispose();
  tf.dispose(vars);
  return { values, iterations, inPlace };
}

describe('native tfjs optimizers', () => {
  for (const [name, make] of cases) {
    it(`${name}: equal to tfjs's optimizer bit for bit, every step, every ISA`, () => {
      const ref = run('cpu', () => make(tf.train), `${name}_ref`);
      withEachIsa((isa) => {
        const got = run('simdtrain', () => make(nativeTrain), `${name}_${isa}`);
        expect(got.iterations).toBe(ref.iterations);
        expect(got.inPlace, 'native path taken').toBe(true);
        expect(ref.inPlace).toBe(false);
        for (let s = 0; s < ref.values.length; s++) {
          for (let v = 0; v < shapes.length; v++) {
            expect(new Float32Array(got.values[s][v]), `${isa} step ${s} var ${v}`).toEqual(new Float32Array(ref.values[s][v]));
          }
        }
      });
    });
  }

  it('keeps the state variables tfjs keeps (getWeights names and values)', async () => {
    tf.setBackend('simdtrain');
    const w = tf.variable(tf.tensor([1, 2, 3]), true, 'stateNames_w');
    const native = nativeTrain.adam(0.1);
    native.applyGradients({ [w.name]: tf.tensor([0.5, -1, 2]) });
    const nw = await native.getWeights();
    tf.setBackend('cpu');
    const w2 = tf.variable(tf.tensor([1, 2, 3]), true, 'stateNames_w2');
    const ref = tf.train.adam(0.1);
    ref.applyGradients({ [w2.name]: tf.tensor([0.5, -1, 2]) });
    const rw = await ref.getWeights();
    expect(nw.map((x) => x.name.replace('_w', ''))).toEqual(rw.map((x) => x.name.replace('_w2', '')));
    for (let i = 1; i < nw.length; i++) expect(nw[i].tensor.dataSync()).toEqual(rw[i].tensor.dataSync());
  });

  it('leaves the tensor a variable was made from unchanged (no write through shared storage)', () => {
    tf.setBackend('simdtrain');
    const init = tf.tensor([1, 2, 3]);
    const w = tf.variable(init, true, 'shared_w');
    nativeTrain.sgd(1).applyGradients({ [w.name]: tf.tensor([1, 1, 1]) });
    expect(Array.from(init.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(w.dataSync())).toEqual([0, 1, 2]);
  });

  it('also runs natively on the cpu backend', () => {
    tf.setBackend('cpu');
    const w = tf.variable(tf.tensor([1, 2]), true, 'cpu_backend_w');
    const opt = nativeTrain.adam(0.5);
    opt.applyGradients({ [w.name]: tf.tensor([1, -1]) });
    expect(Array.from(w.dataSync()).map((x) => Math.round(x * 1e4) / 1e4)).toEqual([0.5, 2.5]);
  });

  it('makes tf.train.* native on import, and tfjs-own again on request', () => {
    useNativeOptimizers(true);
    expect(tf.train.adam()).toBeInstanceOf(tf.AdamOptimizer);
    expect(tf.train.adam().constructor.name).toBe('NativeAdam');
    useNativeOptimizers(false);
    expect(tf.train.adam().constructor.name).toBe('AdamOptimizer');
  });
});
