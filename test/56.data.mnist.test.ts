// The IDX parser, the MNIST loader, and a small MNIST subset training run.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Dense, IdxFormatError, loadMnist, parseIdx, Sequential } from 'simdtrain';
import { Adam } from 'simdtrain';

function idx(type: number, dims: number[], body: number[] | Uint8Array): Uint8Array {
  const head = new Uint8Array(4 + 4 * dims.length);
  head[2] = type;
  head[3] = dims.length;
  dims.forEach((d, i) => new DataView(head.buffer).setUint32(4 + 4 * i, d, false));
  return new Uint8Array([...head, ...body]);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simdtrain-idx-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('IDX parser', () => {
  it('reads ubyte and big-endian wider types', () => {
    const u = parseIdx(idx(0x08, [2, 3], [1, 2, 3, 4, 5, 6]));
    expect(u.type).toBe('ubyte');
    expect(u.dims).toEqual([2, 3]);
    expect(Array.from(u.data)).toEqual([1, 2, 3, 4, 5, 6]);
    const f = parseIdx(idx(0x0d, [1], [0x3f, 0xc0, 0, 0]));
    expect(Array.from(f.data)).toEqual([1.5]);
    const s = parseIdx(idx(0x0b, [2], [0xff, 0xfe, 0x01, 0x00]));
    expect(Array.from(s.data)).toEqual([-2, 256]);
  });

  it.each([
    ['too short', new Uint8Array([0, 0])],
    ['bad magic', new Uint8Array([1, 0, 8, 1, 0, 0, 0, 0])],
    ['gzip bytes', new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0])],
    ['unknown type', idx(0x07, [1], [0])],
    ['zero dims', new Uint8Array([0, 0, 8, 0])],
    ['truncated header', idx(0x08, [2, 2], []).subarray(0, 9)],
    ['truncated data', idx(0x08, [2, 2], [1, 2, 3])],
    ['trailing bytes', idx(0x08, [2], [1, 2, 3])],
  ])('rejects %s', (what, bytes) => {
    expect(() => parseIdx(bytes, what)).toThrow(IdxFormatError);
    expect(() => parseIdx(bytes, what)).toThrow(what);
  });
});

describe('MNIST loader', () => {
  it('loads the real files: 60,000 + 10,000 images in [0, 1] with digit labels', () => {
    const test = loadMnist('test');
    expect(test.images.rows).toBe(10000);
    expect(test.images.cols).toBe(784);
    expect(test.labels.length).toBe(10000);
    expect(Math.max(...test.labels)).toBe(9);
    expect(test.images.data.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(loadMnist('train', { limit: 10 }).labels.length).toBe(10);
  });

  it('gives a clear message for missing, corrupt or mismatched files', () => {
    expect(() => loadMnist('test', { dataDir: dir })).toThrow(/t10k-images-idx3-ubyte' not found/);
    fs.writeFileSync(path.join(dir, 't10k-images-idx3-ubyte'), idx(0x08, [2, 2, 2], [1, 2, 3, 4, 5, 6, 7]));
    fs.writeFileSync(path.join(dir, 't10k-labels-idx1-ubyte'), idx(0x08, [2], [1, 2]));
    expect(() => loadMnist('test', { dataDir: dir })).toThrow(/t10k-images-idx3-ubyte.*truncated/);
    fs.writeFileSync(path.join(dir, 't10k-images-idx3-ubyte'), idx(0x08, [3, 2, 2], new Uint8Array(12)));
    expect(() => loadMnist('test', { dataDir: dir })).toThrow(/3 images but .* 2 labels/);
    fs.writeFileSync(path.join(dir, 't10k-images-idx3-ubyte'), idx(0x08, [2, 2, 2], new Uint8Array(8)));
    fs.writeFileSync(path.join(dir, 't10k-labels-idx1-ubyte'), idx(0x08, [2], [1, 12]));
    expect(() => loadMnist('test', { dataDir: dir })).toThrow(/label 12/);
  });
});

describe('MNIST subset', () => {
  it('a 784-64-10 MLP reaches > 90% test accuracy from 4,000 images in 5 epochs', async () => {
    const train = loadMnist('train', { limit: 4000 });
    const test = loadMnist('test', { limit: 1000 });
    const model = new Sequential([new Dense(784, 64, { activation: 'relu' }), new Dense(64, 10)], { seed: 1 });
    const h = await model.fit(train.images, train.labels, { optimizer: new Adam(model.parameters(), { lr: 2e-3 }), epochs: 5, batchSize: 64, metrics: ['accuracy'] });
    expect(h.loss[4]).toBeLessThan(h.loss[0]);
    const { accuracy } = await model.evaluate(test.images, test.labels);
    expect(accuracy).toBeGreaterThan(0.9);
  });
});
