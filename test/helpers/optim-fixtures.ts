// Loads the PyTorch parity fixtures (test/fixtures/optim/README.md) and
// replays their protocol: xorshift32 params and grads = fround(0.5p) + noise.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as simd from 'simdtrain';
import type { Param } from 'simdtrain';

export interface FixtureCase {
  optimizer: string;
  options: Record<string, unknown>;
  seed: number;
  expected: Record<string, string[]>;
  state: Array<Record<string, string | number>>;
  float64MaxAbsDiff: Record<string, number>;
}
export interface FixtureFile {
  sizes: number[];
  steps: number;
  snapshots: number[];
  cases: FixtureCase[];
}

const dir = path.join(__dirname, '..', 'fixtures', 'optim');
export const fixtureFiles: Array<[string, FixtureFile]> = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => [f, JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as FixtureFile]);

export function decodeF32(b64: string): Float32Array {
  const bytes = Buffer.from(b64, 'base64');
  const out = new Float32Array(bytes.length / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** The fixture's xorshift32 stream of exact float32 values in [-1, 1). */
export function drawStream(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return (x >>> 8) * 2 ** -24 * 2 - 1;
  };
}

/** Fresh params (with grads) for a case, and a function filling the next step's grads. */
export function setupCase(sizes: number[], seed: number): { params: Param[]; nextGrads: () => void } {
  const draw = drawStream(seed);
  const params: Param[] = sizes.map((n, i) => {
    const data = new Float32Array(n);
    for (let k = 0; k < n; k++) data[k] = draw();
    return { data, grad: new Float32Array(n), name: `p${i}` };
  });
  const nextGrads = () => {
    for (const p of params) for (let k = 0; k < p.data.length; k++) p.grad[k] = Math.fround(Math.fround(0.5 * p.data[k]) + draw());
  };
  return { params, nextGrads };
}

/** max |a - b| / (|b| + floor) */
export function relErr(a: Float32Array, b: Float32Array, floor = 1e-3): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) {
    const e = Math.abs(a[i] - b[i]) / (Math.abs(b[i]) + floor);
    if (!(e <= worst)) worst = e;
  }
  return worst;
}

export type OptimizerCtor = new (params: Param[], options?: Record<string, unknown>) => simd.Optimizer<simd.BaseOptions>;
/** The optimizer class exported under `name`. */
export const optimizerCtor = (name: string): OptimizerCtor => (simd as unknown as Record<string, OptimizerCtor>)[name];

/** One case per optimizer, with options that give it all its state buffers (the state tests). */
export const stateCases: Array<[string, Record<string, unknown>]> = [
  ['SGD', { lr: 0.05, momentum: 0.9, nesterov: true }],
  ['Adagrad', { lrDecay: 0.01 }],
  ['RMSprop', { centered: true, momentum: 0.5 }],
  ['Adadelta', {}],
  ['Adam', { amsgrad: true, weightDecay: 0.01 }],
  ['AdamW', {}],
  ['Adamax', {}],
  ['NAdam', {}],
  ['RAdam', {}],
  ['Lion', { weightDecay: 0.1 }],
  ['LAMB', { weightDecay: 0.01 }],
];
