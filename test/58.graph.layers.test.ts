// The layer graph: finite-difference gradients of whole small graphs (conv ->
// BN -> ReLU -> pool -> dense, a residual block with Add, and a ResNet basic
// block whose BN -> ReLU and Add -> ReLU the plan fuses, a ReLU conv -> max pool it fuses) on every ISA and
// 1/2 threads; training vs evaluation mode; save/load; build-time shape
// errors; bad input refused with nothing written.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Activation, add, BatchNorm, Conv2D, Dense, Dropout, Flatten, GlobalAveragePooling2D, Input, loadCheckpoint, MaxPool2D, Model, Sequential,
  setNumThreads, type GraphModel, type Matrix,
} from 'simdtrain';
import { withEachIsa } from './helpers/isa';

function rand(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}

/** sum(out * r) in double after a training-mode forward. */
function objective(model: GraphModel, x: Matrix, r: Float32Array): number {
  const out = model.forward(x).data;
  let s = 0;
  for (let i = 0; i < out.length; i++) s += out[i] * r[i];
  return s;
}

/** Max |analytic - central difference| over every parameter, relative to the gradient scale. */
function gradError(model: GraphModel, x: Matrix): number {
  const r = rand(x.rows * model.outFeatures, 99);
  model.forward(x);
  model.backward({ rows: x.rows, cols: model.outFeatures, data: r });
  const g = Float32Array.from(model.gradArena);
  const p = model.paramArena;
  const h = 1e-3; // small enough that no max-pool window changes its argmax
  let worst = 0;
  const scale = Math.max(...Array.from(g, Math.abs), 1e-3);
  for (let i = 0; i < p.length; i++) {
    const v = p[i];
    p[i] = v + h;
    const up = objective(model, x, r);
    p[i] = v - h;
    const down = objective(model, x, r);
    p[i] = v;
    worst = Math.max(worst, Math.abs((up - down) / (2 * h) - g[i]) / scale);
  }
  return worst;
}

const convNet = () =>
  new Sequential([
    new Conv2D(3, 3, { inputShape: [2, 6, 6], padding: 1 }),
    new BatchNorm(),
    new Activation('tanh'),
    new MaxPool2D(2),
    new Flatten(),
    new Dense(4),
  ], { seed: 3 });

/** Conv2D(relu) -> MaxPool2D, which the native plan fuses (one op); 7x7 -> 5x5 conv output: pooling drops its last row and column. */
const convReluPool = () =>
  new Sequential([
    new Conv2D(3, 3, { inputShape: [2, 7, 7], activation: 'relu' }),
    new MaxPool2D(2),
    new Flatten(),
    new Dense(4),
  ], { seed: 9 });

function residual(): Model {
  const x = Input([2, 5, 5]);
  const h = new Activation('tanh').apply(new BatchNorm().apply(new Conv2D(2, 3, { padding: 1 }).apply(x)));
  const y = add([x, new Conv2D(2, 3, { padding: 'same' }).apply(h)]);
  return new Model({ inputs: x, outputs: new Dense(3).apply(new GlobalAveragePooling2D().apply(y)) }, { seed: 5 });
}

/** A ResNet basic block: BN -> ReLU and BN -> Add -> ReLU, which the native plan fuses (one op each). */
function reluResidual(): Model {
  const x = Input([2, 5, 5]);
  const h = new Activation('relu').apply(new BatchNorm().apply(new Conv2D(2, 3, { padding: 1 }).apply(x)));
  const y = new BatchNorm().apply(new Conv2D(2, 3, { padding: 1 }).apply(h));
  const z = new Activation('relu').apply(add([y, x]));
  return new Model({ inputs: x, outputs: new Dense(3).apply(new GlobalAveragePooling2D().apply(z)) }, { seed: 7 });
}

describe('graph gradients (finite differences)', () => {
  for (const threads of [1, 2]) {
    it(`conv -> BN -> tanh -> maxpool -> dense, a residual block, a fused ReLU basic block and a fused conv(relu) -> maxpool match central differences, ${threads} thread(s), every ISA`, () => {
      setNumThreads(threads);
      withEachIsa(() => {
        const a = convNet();
        expect(gradError(a, { rows: 4, cols: 72, data: rand(4 * 72, 7) })).toBeLessThan(5e-3);
        const b = residual();
        expect(gradError(b, { rows: 3, cols: 50, data: rand(3 * 50, 11) })).toBeLessThan(5e-3);
        const c = reluResidual();
        expect(gradError(c, { rows: 3, cols: 50, data: rand(3 * 50, 13) })).toBeLessThan(5e-3);
        const d = convReluPool();
        expect(gradError(d, { rows: 3, cols: 98, data: rand(3 * 98, 17) })).toBeLessThan(5e-3);
      });
    });
  }
});

describe('training and evaluation mode', () => {
  it('dropout is identity in predict and random (seeded) in training; BatchNorm tracks running statistics', () => {
    const make = () => new Sequential([new Dense(6, 8, { activation: 'relu' }), new Dropout(0.5), new BatchNorm({ momentum: 0.5 }), new Dense(3)], { seed: 1 });
    const m = make();
    const x = { rows: 5, cols: 6, data: rand(30, 3) };
    const bn = m.layers[2];
    const p1 = m.predict(x).data;
    expect(m.predict(x).data).toEqual(p1);
    expect(Array.from(bn.bound.running_mean.data)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    const t1 = m.forward(x).data;
    const t2 = m.forward(x).data;
    expect(t1).not.toEqual(p1);
    expect(t2).not.toEqual(t1); // a new mask each step
    expect(bn.bound.num_batches_tracked.data[0]).toBe(2);
    expect(bn.bound.running_mean.data.some((v) => v !== 0)).toBe(true);
    const again = make();
    expect(again.forward(x).data).toEqual(t1); // same seed, same first mask
  });
});

describe('save and load', () => {
  it('a CNN and a functional residual model round-trip with PyTorch names and shapes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graph-'));
    const a = convNet();
    const x = { rows: 2, cols: 72, data: rand(144, 5) };
    a.forward(x); // moves the running statistics away from their initial values
    await a.save(path.join(dir, 'a.safetensors'));
    const a2 = await Sequential.load(path.join(dir, 'a.safetensors'));
    expect(a2.predict(x).data).toEqual(a.predict(x).data);
    expect(a2.bufferArena).toEqual(a.bufferArena);
    expect(a.parameters().map((p) => p.name)).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '5.weight', '5.bias']);
    const b = residual();
    await b.save(path.join(dir, 'b.safetensors'));
    const { model: b2 } = await loadCheckpoint(path.join(dir, 'b.safetensors'));
    expect(b2).toBeInstanceOf(Model);
    const xb = { rows: 2, cols: 50, data: rand(100, 6) };
    expect(b2.predict(xb).data).toEqual(b.predict(xb).data);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('errors', () => {
  it('shape errors are found when the model is built and name the layer and both shapes', () => {
    expect(() => new Sequential([new Conv2D(4, 3, { inputShape: [1, 8, 8] }), new Conv2D(4, 3, { inChannels: 1, name: 'conv2' })]))
      .toThrow(/Conv2D 'conv2': input has 4 channels, the layer expects 1/);
    expect(() => new Sequential([new Conv2D(4, 5, { inputShape: [1, 3, 3] })])).toThrow(/height 3 \+ padding 0 is smaller than the window 5/);
    expect(() => new Sequential([new Conv2D(4, 3, { inputShape: [1, 8, 8] }), new Flatten(), new Dense(100, 10)])).toThrow(/takes 100 features but its input \[144\] gives 144/);
    expect(() => new Sequential([new Dense(4, 4), new Conv2D(2, 1)])).toThrow(/rank 1, the layer expects \[channels, height, width\]/);
    const x = Input([2, 4, 4]);
    expect(() => add([x, new Conv2D(3, 1).apply(x)])).toThrow(/input 1 has shape \[3, 4, 4\], input 0 has \[2, 4, 4\]/);
  });

  it('bad inputs are refused before anything is written', async () => {
    const m = convNet();
    const before = Float32Array.from(m.paramArena);
    const buffers = Float32Array.from(m.bufferArena);
    const x = { rows: 3, cols: 72, data: rand(216, 2) };
    await expect(m.fit(x, Int32Array.from([0, 1, 4]), { optimizer: { step() {} } })).rejects.toThrow(RangeError);
    expect(() => m.predict({ rows: 3, cols: 71, data: rand(213, 2) })).toThrow(/72 columns/);
    expect(m.paramArena).toEqual(before);
    expect(m.bufferArena).toEqual(buffers);
  });
});
