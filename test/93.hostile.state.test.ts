// Issue #13, classes 6 and 7: files that cost more than they say, and state
// loading that must validate everything before applying anything.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as simd from 'simdtrain';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'simdtrain-hostile-'));

function idx(dims: number[], body: Uint8Array = new Uint8Array(dims.reduce((a, b) => a * b, 1))): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = 0x08;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, body]);
}

describe('IDX files (class 6)', () => {
  it('a gzip file is inflated only as far as `limit` needs', async () => {
    // 20,000 rows of 28x28 zeros: 15.7 MB inflated, ~16 KB compressed.
    const file = path.join(tmp, 'big-idx3-ubyte.gz');
    fs.writeFileSync(file, zlib.gzipSync(idx([20_000, 28, 28]), { level: 9 }));
    const { readIdxFile } = await import('../dist/data/idx.js');
    const zlibModule = createRequire(__filename)('node:zlib') as typeof zlib; // the object dist/ calls through
    const spy = zlibModule.gunzipSync;
    let inflated = 0;
    zlibModule.gunzipSync = ((b: zlib.InputType, o?: zlib.ZlibOptions) => {
      const out = spy(b, o);
      inflated += out.length;
      return out;
    }) as typeof spy;
    try {
      const t = readIdxFile(file, { limit: 10 });
      expect(t.dims).toEqual([10, 28, 28]);
      expect(t.data.length).toBe(7840);
    } finally {
      zlibModule.gunzipSync = spy;
    }
    expect(inflated).toBeGreaterThan(0); // the spy saw the calls
    expect(inflated).toBeLessThan(4 << 20); // never the 15.7 MB
    expect(readIdxFile(file).dims).toEqual([20_000, 28, 28]);
  });

  it('rejects a bad limit and nonsense dimensions with errors naming them', () => {
    const bytes = idx([3, 2, 2]);
    for (const limit of [1.5, NaN, -1, Infinity]) expect(() => simd.parseIdx(bytes, 'f', { limit })).toThrow(RangeError);
    expect(() => simd.parseIdx(bytes, 'f', { limit: '2' as unknown as number })).toThrow(TypeError);
    expect(simd.parseIdx(bytes, 'f', { limit: 2 }).dims).toEqual([2, 2, 2]);
    expect(simd.parseIdx(bytes, 'f', { limit: 0 }).dims).toEqual([0, 2, 2]);
    expect(() => simd.parseIdx(idx([3, 0, 2], new Uint8Array(0)), 'f.idx')).toThrow(/f\.idx: .*empty inner dimension/);
    const many = Buffer.alloc(4 + 4 * 40);
    many[2] = 0x08;
    many[3] = 40;
    expect(() => simd.parseIdx(many, 'f.idx')).toThrow(/40 dimensions/);
    expect(() => simd.loadMnist('train', { limit: -1, dataDir: tmp })).toThrow(RangeError);
  });
});

describe('safetensors (class 6)', () => {
  const enc = (header: unknown) => {
    const j = Buffer.from(JSON.stringify(header));
    const b = Buffer.alloc(8 + j.length);
    b.writeBigUInt64LE(BigInt(j.length));
    j.copy(b, 8);
    return b;
  };

  it('every malformed file is a SafetensorsError naming the file', () => {
    const bad = [
      enc({ a: null }),
      enc({ a: [] }),
      enc({ a: 'x' }),
      enc(5),
      enc({ __metadata__: null }),
      enc({ __metadata__: { k: 1 } }),
      enc({ a: { dtype: 'F32', shape: [2 ** 40, 2 ** 40], data_offsets: [0, 0] } }),
      enc({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 0] } }),
      Buffer.from([255, 255, 255, 255, 255, 255, 255, 255, 1, 2]),
      Buffer.concat([Buffer.from([4, 0, 0, 0, 0, 0, 0, 0]), Buffer.from([0xff, 0xfe, 0x7b, 0x7d])]),
      Buffer.from([1, 0, 0]),
    ];
    for (const b of bad) {
      let error: unknown;
      try {
        simd.decodeSafetensors(b, 'model.safetensors');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(simd.SafetensorsError);
      expect((error as Error).message).toMatch(/^model\.safetensors: not a valid safetensors file/);
    }
  });

  it('encodeSafetensors refuses what it cannot read back, and round-trips odd names', () => {
    const t = (shape: unknown, data = new Float32Array(2)) => ({ shape, data }) as simd.Tensor;
    expect(() => simd.encodeSafetensors({ a: t([-1, -2]) })).toThrow(RangeError);
    expect(() => simd.encodeSafetensors({ a: t([1.5, 2]) })).toThrow(RangeError);
    expect(() => simd.encodeSafetensors({ a: t('2') })).toThrow(RangeError);
    expect(() => simd.encodeSafetensors({ a: t([2], [1, 2] as unknown as Float32Array) })).toThrow(TypeError);
    const odd = new Map<string, simd.Tensor>([['__proto__', t([2], new Float32Array([1, 2]))], ['constructor', t([1, 2])]]);
    const back = simd.decodeSafetensors(simd.encodeSafetensors(odd, JSON.parse('{"__proto__": "meta"}')));
    expect([...back.tensors.keys()]).toEqual(['__proto__', 'constructor']);
    expect([...back.tensors.get('__proto__')!.data]).toEqual([1, 2]);
    expect(Object.getOwnPropertyDescriptor(back.metadata, '__proto__')?.value).toBe('meta');
    expect(Object.getPrototypeOf(back.metadata)).toBe(Object.prototype);
  });

  it('a valid file of the wrong shape is a mismatch, not "not a valid file"', () => {
    const e = new simd.SafetensorsError('w.safetensors', "expected tensor '0.weight' of shape [2, 3]", 'mismatch');
    expect(e.message).toBe("w.safetensors: expected tensor '0.weight' of shape [2, 3]");
    expect(e.kind).toBe('mismatch');
  });
});

function trained(name: string, options: Record<string, unknown> = {}) {
  const params = [0, 1].map((i) => ({ data: new Float32Array(5).fill(i + 1), grad: new Float32Array(5).fill(0.5) }));
  const Ctor = (simd as unknown as Record<string, new (p: unknown, o?: unknown) => simd.Optimizer<simd.BaseOptions>>)[name];
  const opt = new Ctor(params, options);
  opt.step();
  opt.step();
  return { opt, params };
}

describe('optimizer loadStateDict is validated, then applied (class 7)', () => {
  const snapshot = (o: simd.Optimizer<simd.BaseOptions>) => JSON.stringify(o.stateDict({ format: 'json' })) + JSON.stringify(o.paramGroups.map(({ params: _p, ...r }) => r));

  it.each([
    ['a wrong buffer count', (d: any) => d.state[1].buffers.pop()],
    ['a NaN second moment', (d: any) => (d.state[1].buffers[1] = new Float32Array(5).fill(NaN))],
    ['a negative second moment', (d: any) => (d.state[1].buffers[1] = new Float32Array(5).fill(-1))],
    ['an infinite first moment', (d: any) => (d.state[1].buffers[0] = new Float32Array(5).fill(Infinity))],
    ['a non-numeric step', (d: any) => (d.state[1].step = '2')],
    ['a non-numeric option', (d: any) => (d.paramGroups[0].lr = 'fast')],
    ['an unknown option', (d: any) => (d.paramGroups[0].lrr = 0.1)],
    ['an unknown state key', (d: any) => (d.state[1].extra = 1)],
    ['an unknown top-level key', (d: any) => (d.version = 2)],
    ['a scalar that is not a number', (d: any) => (d.state[0].scalars = { muProduct: '1' })],
    ['a "__proto__" option', (d: any) => Object.defineProperty(d.paramGroups[0], '__proto__', { value: { polluted: true }, enumerable: true })],
    ['a "__proto__" state key', (d: any) => Object.defineProperty(d.state, '__proto__', { value: d.state[0], enumerable: true })],
    ['a param index like "01"', (d: any) => (d.state['01'] = d.state[0])],
  ])('refuses %s and changes nothing', (_what, corrupt) => {
    const { opt } = trained('Adam', { amsgrad: true });
    const before = snapshot(opt);
    const dict = opt.stateDict() as any;
    dict.paramGroups[0].lr = 0.5; // a valid change that must not be applied either
    corrupt(dict);
    expect(() => opt.loadStateDict(dict)).toThrow(/loadStateDict/);
    expect(snapshot(opt)).toBe(before);
    expect(Object.getPrototypeOf(opt.paramGroups[0])).toBe(Object.prototype);
  });

  it('a JSON state with "__proto__" keys cannot replace a prototype', () => {
    const { opt } = trained('NAdam');
    const text = JSON.stringify(opt.stateDict({ format: 'json' })).replace('"paramGroups":[{', '"paramGroups":[{"__proto__":{"lr":9},');
    expect(() => opt.loadStateDict(JSON.parse(text))).toThrow(/unknown option '__proto__'/);
    expect(() => new simd.SGD([{ data: new Float32Array(1), grad: new Float32Array(1) }], JSON.parse('{"__proto__": {"x": 1}}'))).toThrow(TypeError);
  });

  it('a valid state still loads (NAdam scalars included)', () => {
    const { opt } = trained('NAdam');
    const { opt: other } = trained('NAdam');
    other.loadStateDict(JSON.parse(JSON.stringify(opt.stateDict({ format: 'json' }))));
    expect(snapshot(other)).toBe(snapshot(opt));
  });
});

describe('scheduler loadStateDict is atomic (class 7)', () => {
  const setup = () => {
    const { opt } = trained('SGD', { lr: 0.1 });
    const a = new simd.LinearLR(opt, { startFactor: 0.5, totalIters: 4 });
    const b = new simd.ExponentialLR(opt, { gamma: 0.9 });
    const seq = new simd.SequentialLR(opt, { schedulers: [a, b], milestones: [2] });
    for (let i = 0; i < 3; i++) seq.step();
    return { opt, seq, a, b };
  };
  const view = (s: ReturnType<typeof setup>) => JSON.stringify([s.seq.stateDict(), s.opt.paramGroups.map((g) => [g.lr, (g as { initialLr?: number }).initialLr])]);

  it('SequentialLR: a bad second sub-scheduler leaves the first untouched', () => {
    const s = setup();
    const before = view(s);
    const dict = JSON.parse(JSON.stringify(s.seq.stateDict()));
    dict.schedulers[0].lastEpoch = 0; // valid, would change the first
    dict.schedulers[0].lastLr = [0.001];
    dict.schedulers[1].options = { gamma: 'x' };
    expect(() => s.seq.loadStateDict(dict)).toThrow();
    expect(view(s)).toBe(before);
  });

  it.each([
    ['an unknown key', (d: any) => (d.extraKey = 1)],
    ['a NaN lastLr', (d: any) => (d.lastLr = [NaN])],
    ['a "__proto__" key', (d: any) => Object.defineProperty(d, '__proto__', { value: {}, enumerable: true })],
  ])('SequentialLR and its schedulers refuse %s', (_what, corrupt) => {
    const s = setup();
    const before = view(s);
    for (const target of ['seq', 'sub'] as const) {
      const dict = JSON.parse(JSON.stringify(s.seq.stateDict()));
      corrupt(target === 'seq' ? dict : dict.schedulers[1]);
      expect(() => s.seq.loadStateDict(dict)).toThrow();
      expect(view(s)).toBe(before);
    }
  });

  it('ReduceLROnPlateau refuses unknown keys and changes nothing', () => {
    const { opt } = trained('SGD', { lr: 0.1 });
    const r = new simd.ReduceLROnPlateau(opt, { patience: 0 });
    r.step(1);
    r.step(2);
    const before = JSON.stringify([r.stateDict(), opt.lr]);
    const dict = { ...r.stateDict(), lastLr: [0.5], bogus: 1 };
    expect(() => r.loadStateDict(dict)).toThrow(/unknown key 'bogus'/);
    expect(JSON.stringify([r.stateDict(), opt.lr])).toBe(before);
  });
});
