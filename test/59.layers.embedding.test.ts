// The Embedding layer and the integer-input path: forward/backward against
// PyTorch's nn.Embedding (test/fixtures/layers/embedding.json), finite
// differences of Embedding -> LayerNorm -> Flatten -> Dense on every ISA and
// 1/2 threads, fit/evaluate/predict on Int32Array ids, save/load, and bad
// ids refused (RangeError naming the argument, nothing written) including
// ids rewritten after the TypeScript check.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Adam, add, Dense, Embedding, Flatten, Input, LayerNorm, loadCheckpoint, Model, Sequential, setNumThreads, type GraphModel, type IdMatrix,
} from 'simdtrain';
import { withEachIsa } from './helpers/isa';

interface EmbCase { name: string; vocab: number; dim: number; seq: number; idx: number[]; table: number[]; y: number[]; dy: number[]; dtable: number[] }
const cases: EmbCase[] = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'layers', 'embedding.json'), 'utf8')).cases;

function rand(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}

function ids(rows: number, cols: number, vocab: number, seed: number): IdMatrix {
  const r = rand(rows * cols, seed);
  return { rows, cols, data: Int32Array.from(r, (v) => Math.min(vocab - 1, Math.floor(((v + 1) / 2) * vocab))) };
}

function expectClose(got: ArrayLike<number>, want: number[], tol: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - Math.fround(want[i])), `${what}[${i}]`).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i])));
}

/** Max |analytic - central difference| over every parameter, relative to the gradient scale. */
function gradError(model: GraphModel, x: IdMatrix): number {
  const r = rand(x.rows * model.outFeatures, 99);
  const objective = () => model.forward(x).data.reduce((s, v, i) => s + v * r[i], 0);
  model.forward(x);
  model.backward({ rows: x.rows, cols: model.outFeatures, data: r });
  const g = Float32Array.from(model.gradArena);
  const p = model.paramArena;
  const h = 1e-3;
  const scale = Math.max(...Array.from(g, Math.abs), 1e-3);
  let worst = 0;
  for (let i = 0; i < p.length; i++) {
    const v = p[i];
    p[i] = v + h;
    const up = objective();
    p[i] = v - h;
    const down = objective();
    p[i] = v;
    worst = Math.max(worst, Math.abs((up - down) / (2 * h) - g[i]) / scale);
  }
  return worst;
}

const embNet = () => new Sequential([new Embedding(7, 4, { inputLength: 3 }), new LayerNorm(), new Flatten(), new Dense(3)], { seed: 4 });

describe('Embedding layer vs PyTorch nn.Embedding', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s: forward and weight gradient, every ISA, 1 and 2 threads', (_n, c) => {
    for (const threads of [1, 2]) {
      setNumThreads(threads);
      withEachIsa((isa) => {
        const m = new Sequential([new Embedding(c.vocab, c.dim, { inputLength: c.seq })], { seed: 1 });
        m.layers[0].bound.weight.data.set(c.table);
        const x: IdMatrix = { rows: c.idx.length / c.seq, cols: c.seq, data: Int32Array.from(c.idx) };
        expectClose(m.predict(x).data, c.y, 0, `${isa} ${threads}t predict`);
        expectClose(m.forward(x).data, c.y, 0, `${isa} ${threads}t forward`);
        m.backward({ rows: x.rows, cols: m.outFeatures, data: Float32Array.from(c.dy) });
        expectClose(m.parameters()[0].grad, c.dtable, 1e-6, `${isa} ${threads}t dweight`);
      });
    }
  });

  it('names the table weight [inputDim, outputDim] as PyTorch does, and accumulates when asked', () => {
    const m = new Sequential([new Embedding(5, 2, { inputLength: 2 })], { seed: 2 });
    expect(m.parameters().map((p) => [p.name, p.data.length])).toEqual([['0.weight', 10]]);
    const x: IdMatrix = { rows: 1, cols: 2, data: Int32Array.from([3, 3]) };
    m.forward(x);
    m.backward({ rows: 1, cols: 4, data: Float32Array.from([1, 2, 3, 4]) });
    m.forward(x);
    m.backward({ rows: 1, cols: 4, data: Float32Array.from([1, 2, 3, 4]) }, { accumulate: true });
    expect(Array.from(m.parameters()[0].grad)).toEqual([0, 0, 0, 0, 0, 0, 8, 12, 0, 0]);
  });
});

describe('Embedding graph gradients (finite differences)', () => {
  for (const threads of [1, 2]) {
    it(`Embedding -> LayerNorm -> Flatten -> Dense matches central differences, ${threads} thread(s), every ISA`, () => {
      setNumThreads(threads);
      withEachIsa(() => {
        expect(gradError(embNet(), ids(5, 3, 7, 3))).toBeLessThan(5e-3);
      });
      });
  }
});

describe('integer inputs through fit / evaluate / predict', () => {
  // Class = the id at position 1 modulo 3: learnable from the table alone.
  const data = (rows: number, seed: number) => {
    const x = ids(rows, 3, 7, seed);
    return { x, y: Int32Array.from({ length: rows }, (_, r) => x.data[r * 3 + 1] % 3) };
  };

  it('trains with shuffling and a validation split, evaluates and predicts', async () => {
    const model = embNet();
    const { x, y } = data(256, 17);
    const before = (await model.evaluate(x, y)).loss;
    const h = await model.fit(x, y, { optimizer: new Adam(model.parameters(), { lr: 0.05 }), epochs: 15, batchSize: 32, seed: 1, validationSplit: 0.25, metrics: ['accuracy'] });
    const after = await model.evaluate(x, y);
    expect(after.loss).toBeLessThan(before / 4);
    expect(after.accuracy).toBeGreaterThan(0.95);
    expect(h.valAccuracy[h.valAccuracy.length - 1]).toBeGreaterThan(0.9);
    const p = model.predict({ rows: 2, cols: 3, data: x.data.subarray(0, 6) });
    expect(p.rows).toBe(2);
    expect(Array.from(p.data.subarray(0, 3)).indexOf(Math.max(...p.data.subarray(0, 3)))).toBe(y[0]);
  });

  it('a functional model with Input([seq]) and save/load keep the outputs', async () => {
    const inp = Input([4]);
    const e = new Embedding(9, 3, { name: 'tok' }).apply(inp);
    const model = new Model({ inputs: inp, outputs: new Dense(2, { name: 'head' }).apply(new Flatten().apply(e)) }, { seed: 8 });
    expect(model.parameters().map((p) => p.name)).toEqual(['tok.weight', 'head.weight', 'head.bias']);
    const x = ids(6, 4, 9, 5);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simdtrain-emb-'));
    try {
      await model.save(path.join(dir, 'm.safetensors'));
      const { model: back } = await loadCheckpoint(path.join(dir, 'm.safetensors'));
      expect(Array.from((back as GraphModel).predict(x).data)).toEqual(Array.from(model.predict(x).data));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bad ids and bad graphs', () => {
  it('an id outside [0, inputDim) is a RangeError naming the argument; nothing is written', async () => {
    const model = embNet();
    const params = Float32Array.from(model.paramArena);
    const x = ids(8, 3, 7, 9);
    x.data[5] = 7;
    const y = new Int32Array(8);
    expect(() => model.predict(x)).toThrow(RangeError);
    expect(() => model.predict(x)).toThrow(/'x\.data\[5\]' = 7 is not an id in \[0, 7\)/);
    await expect(model.evaluate(x, y)).rejects.toThrow(/'x\.data\[5\]'/);
    await expect(model.fit(x, y, { optimizer: new Adam(model.parameters()), epochs: 1 })).rejects.toThrow(RangeError);
    x.data[5] = -1;
    expect(() => model.forward(x)).toThrow(/'x\.data\[5\]' = -1/);
    expect(Array.from(model.paramArena)).toEqual(Array.from(params));
    expect(model.gradArena.every((v) => v === 0)).toBe(true);
  });

  it('floats for an id model and ids for a float model are TypeErrors', () => {
    expect(() => embNet().predict({ rows: 1, cols: 3, data: new Float32Array(3) } as never)).toThrow(/'x\.data' must be an Int32Array of ids/);
    const dense = new Sequential([new Dense(3, 2)], { seed: 1 });
    expect(() => dense.predict({ rows: 1, cols: 3, data: new Int32Array(3) } as never)).toThrow(TypeError);
    // And natively, past the TypeScript checks.
    expect(() => dense.plan.evaluate(new Int32Array(3) as never, null, 0, 1, null, null, -1, new Float32Array(2), false)).toThrow(TypeError);
    expect(() => embNet().plan.evaluate(new Float32Array(3) as never, null, 0, 1, null, null, -1, new Float32Array(3), false)).toThrow(/'x' must be an Int32Array/);
  });

  it('ids rewritten after the TypeScript check are refused natively (RangeError), never read out of bounds', async () => {
    const model = embNet();
    const x = ids(16, 3, 7, 2);
    const y = new Int32Array(16);
    // Straight to the plan with a bad id (what a caller rewriting shared ids mid-fit amounts to).
    const bad = Int32Array.from(x.data);
    bad[4] = 1 << 30;
    const params = Float32Array.from(model.paramArena);
    expect(() => model.plan.evaluate(bad, null, 0, 16, null, null, -1, new Float32Array(16 * 3), false)).toThrow(RangeError);
    expect(() => model.plan.evaluate(bad, null, 0, 16, null, null, -1, new Float32Array(16 * 3), false)).toThrow(/'x' has id 1073741824 at row 1, outside \[0, 7\)/);
    model.plan.reserve(16);
    await expect(model.plan.trainStep(bad, null, 0, 16, y, null, 1, 1 / 16, false)).rejects.toThrow(/'x' has id/);
    expect(() => model.plan.forward(bad, 16, new Float32Array(16 * 3))).toThrow(RangeError);
    expect(Array.from(model.paramArena)).toEqual(Array.from(params));
    // Rewritten by a callback between steps of fit: the next step fails.
    const shared = { rows: 16, cols: 3, data: Int32Array.from(x.data) };
    const fit = model.fit(shared, y, {
      optimizer: new Adam(model.parameters()), epochs: 2, batchSize: 4, shuffle: false,
      callbacks: { onBatchEnd: (b: number) => { if (b === 0) shared.data[13] = -5; } },
    });
    await expect(fit).rejects.toThrow(/'x' has id -5/);
  });

  it('Embedding must read the model input, and only Embeddings may read it', () => {
    const inp = Input([4]);
    const d = new Dense(4).apply(inp);
    expect(() => new Model({ inputs: inp, outputs: new Embedding(3, 2).apply(d) })).toThrow(/Embedding 'embedding\S*': must read the model input/);
    const inp2 = Input([4]);
    const both = new Model({ inputs: inp2, outputs: new Dense(1).apply(new Flatten().apply(new Embedding(5, 2).apply(inp2))) });
    expect(both.idLimit).toBe(5);
    const inp3 = Input([4]);
    const flat = new Flatten().apply(new Embedding(5, 2).apply(inp3));
    expect(() => new Model({ inputs: inp3, outputs: add([flat, new Dense(8, { name: 'dense_on_ids' }).apply(inp3)]) })).toThrow(/Dense 'dense_on_ids' reads the model input, which holds integer ids/);
    expect(() => new Embedding(0, 2)).toThrow(/'inputDim' must be an integer in \[1, 2\^24\]/);
    expect(() => new Sequential([new Embedding(4, 2)])).toThrow(/inputShape/);
    expect(() => new Sequential([new Embedding(4, 2)], { inputShape: [2, 3] })).toThrow(/Embedding '\S+': input \[2, 3\]: give ids as a \[seq\] input/);
  });
});
