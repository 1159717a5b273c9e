// Bad input to layers, models, losses, fit and the nn kernels: a TypeError or
// RangeError naming the argument, nothing trained or written, never a crash.
import { describe, expect, it } from 'vitest';
import { Dense, functional, mse, Sequential, softmaxCrossEntropy } from 'simdtrain';
import { Adam } from 'simdtrain';

const m = (rows: number, cols: number, fill = 0.5) => ({ rows, cols, data: new Float32Array(rows * cols).fill(fill) });
const model = () => new Sequential([new Dense(3, 4, { activation: 'relu' }), new Dense(4, 2)], { seed: 1 });

describe('construction', () => {
  it('Dense and Sequential check their arguments', () => {
    expect(() => new Dense(0, 3)).toThrow(RangeError);
    expect(() => new Dense(2.5, 3)).toThrow(/inFeatures/);
    expect(() => new Dense(2, '3' as unknown as number)).toThrow(TypeError);
    expect(() => new Dense(2, 3, { activation: 'swish' as never })).toThrow(/activation/);
    expect(() => new Dense(2, 3, { kernelInitializer: 'nope' })).toThrow(/kernelInitializer/);
    expect(() => new Dense(2, 3, { bogus: 1 } as never)).toThrow(/bogus/);
    expect(() => new Sequential([])).toThrow(TypeError);
    expect(() => new Sequential([new Dense(3, 4), new Dense(5, 2)])).toThrow(/layers\[1\].*takes 5.*gives 4/);
    const d = new Dense(3, 3);
    expect(() => new Sequential([d, d])).toThrow(/same object/);
    new Sequential([d]);
    expect(() => new Sequential([d])).toThrow(/already belongs/);
    expect(() => new Sequential([new Dense(3, 3)], { seed: -1 })).toThrow(/seed/);
  });
});

describe('fit', () => {
  const opt = (mod: Sequential) => new Adam(mod.parameters());
  const cases: [string, (mod: Sequential) => Promise<unknown>, RegExp, ErrorConstructor][] = [
    ['x columns', (mod) => mod.fit(m(4, 5), new Int32Array(4), { optimizer: opt(mod) }), /'x' must have 3 columns/, RangeError],
    ['x not a matrix', (mod) => mod.fit([1, 2] as never, new Int32Array(4), { optimizer: opt(mod) }), /'x.data'/, TypeError],
    ['x length', (mod) => mod.fit({ rows: 4, cols: 3, data: new Float32Array(11) }, new Int32Array(4), { optimizer: opt(mod) }), /'x.data' must have/, RangeError],
    ['label count', (mod) => mod.fit(m(4, 3), new Int32Array(3), { optimizer: opt(mod) }), /one label per row/, RangeError],
    ['label range', (mod) => mod.fit(m(4, 3), Int32Array.from([0, 1, 2, 0]), { optimizer: opt(mod) }), /'y\[2\]' = 2 is outside \[0, 2\)/, RangeError],
    ['negative label', (mod) => mod.fit(m(4, 3), Int32Array.from([0, -1, 1, 0]), { optimizer: opt(mod) }), /outside/, RangeError],
    ['target shape', (mod) => mod.fit(m(4, 3), m(4, 3), { optimizer: opt(mod), loss: 'mse' }), /'y' must be 4x2/, RangeError],
    ['labels with mse', (mod) => mod.fit(m(4, 3), new Int32Array(4), { optimizer: opt(mod), loss: 'mse' }), /softmaxCrossEntropy/, TypeError],
    ['no optimizer', (mod) => mod.fit(m(4, 3), new Int32Array(4), {} as never), /optimizer/, TypeError],
    ['unknown loss', (mod) => mod.fit(m(4, 3), new Int32Array(4), { optimizer: opt(mod), loss: 'hinge' as never }), /loss/, TypeError],
    ['batchSize 0', (mod) => mod.fit(m(4, 3), new Int32Array(4), { optimizer: opt(mod), batchSize: 0 }), /batchSize/, RangeError],
    ['epochs', (mod) => mod.fit(m(4, 3), new Int32Array(4), { optimizer: opt(mod), epochs: 1.5 }), /epochs/, RangeError],
    ['unknown option', (mod) => mod.fit(m(4, 3), new Int32Array(4), { optimizer: opt(mod), lr: 1 } as never), /unknown option 'lr'/, TypeError],
    ['validationSplit', (mod) => mod.fit(m(4, 3), new Int32Array(4), { optimizer: opt(mod), validationSplit: 1.5 }), /validationSplit/, RangeError],
    ['validation shape', (mod) => mod.fit(m(4, 3), new Int32Array(4), { optimizer: opt(mod), validationData: [m(2, 4), new Int32Array(2)] }), /validationData.x/, RangeError],
    ['early stopping monitor', (mod) => mod.fit(m(4, 3), new Int32Array(4), { optimizer: opt(mod), earlyStopping: { monitor: 'valLoss' } }), /needs validation/, RangeError],
    ['signal', (mod) => mod.fit(m(4, 3), new Int32Array(4), { optimizer: opt(mod), signal: {} as never }), /AbortSignal/, TypeError],
    ['NaN with checkFinite', (mod) => mod.fit(m(4, 3, NaN), new Int32Array(4), { optimizer: opt(mod), checkFinite: true }), /NaN/, RangeError],
    ['Infinity target with checkFinite', (mod) => mod.fit(m(4, 3), m(4, 2, Infinity), { optimizer: opt(mod), loss: 'mse', checkFinite: true }), /targets/, RangeError],
  ];
  it.each(cases)('%s', async (_what, call, message, type) => {
    const mod = model();
    const before = Float32Array.from(mod.paramArena);
    const err = await call(mod).then(() => null, (e) => e);
    expect(err).toBeInstanceOf(type);
    expect(err.message).toMatch(message);
    expect(mod.paramArena).toEqual(before);
    expect(mod.gradArena.every((g) => g === 0)).toBe(true);
  });
});

describe('model methods and kernels', () => {
  it('forward/backward/predict/evaluate check shapes', async () => {
    const mod = model();
    expect(() => mod.forward(m(2, 4))).toThrow(/3 columns/);
    expect(() => mod.predict({ rows: 2, cols: 3, data: new Float64Array(6) } as never)).toThrow(TypeError);
    mod.forward(m(2, 3));
    expect(() => mod.backward(m(3, 2))).toThrow(/same rows/);
    expect(() => mod.backward(m(2, 3))).toThrow(/2 columns/);
    await expect(mod.evaluate(m(2, 3), new Int32Array([0, 5]))).rejects.toThrow(RangeError);
  });

  it('losses and functional kernels name the bad argument and write nothing', () => {
    const grad = m(2, 3, 7);
    expect(() => softmaxCrossEntropy.compute(m(2, 3), Int32Array.from([0, 3]), grad)).toThrow(/labels.*3/);
    expect(() => mse.compute(m(2, 3), m(2, 2), grad)).toThrow(/'target' shape/);
    expect(() => mse.compute(m(2, 3), new Int32Array(2))).toThrow(TypeError);
    expect(grad.data.every((v) => v === 7)).toBe(true);
    const out = m(2, 3, 7);
    expect(() => functional.biasActivation(m(2, 3), new Float32Array(2), 'relu', out)).toThrow(/'bias'/);
    expect(() => functional.biasActivation(m(2, 3), null, 'relu', m(3, 2))).toThrow(/'out'/);
    expect(() => functional.activationBackward(null, m(2, 3), m(2, 3), 'gelu', out)).toThrow(/'x'/);
    expect(() => functional.columnSums(m(2, 3), new Float32Array(2))).toThrow(/'out'/);
    expect(out.data.every((v) => v === 7)).toBe(true);
  });
});
