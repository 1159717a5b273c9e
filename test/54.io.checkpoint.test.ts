// Checkpoints: safetensors encoding, save -> load round trips, PyTorch
// names/shapes, corrupt and truncated files, crash safety of the atomic write.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeSafetensors, Dense, encodeSafetensors, loadCheckpoint, SafetensorsError, Sequential } from 'simdtrain';
import { randomFloats } from './helpers/data';
import { blobs } from './helpers/datasets';
import { Adam } from 'simdtrain';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simdtrain-ckpt-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const model = (seed = 1) =>
  new Sequential([new Dense(5, 7, { activation: 'relu' }), new Dense(7, 4, { activation: 'gelu' }), new Dense(4, 3, { useBias: false }), new Dense(3, 2, { activation: 'softmax' })], { seed });

describe('safetensors format', () => {
  it('encodes the documented layout and decodes it back', () => {
    const bytes = encodeSafetensors({ a: { shape: [2, 3], data: randomFloats(6, 1) }, b: { shape: [1], data: new Float32Array([5]) } }, { k: 'v' });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString());
    expect(header).toEqual({ __metadata__: { k: 'v' }, a: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] }, b: { dtype: 'F32', shape: [1], data_offsets: [24, 28] } });
    expect(bytes.length).toBe(8 + n + 28);
    const back = decodeSafetensors(bytes);
    expect(back.metadata).toEqual({ k: 'v' });
    expect(back.tensors.get('a')!.data).toEqual(randomFloats(6, 1));
  });

  it('rejects truncated and corrupt bytes with a SafetensorsError', () => {
    const good = encodeSafetensors({ w: { shape: [4], data: new Float32Array(4) } });
    const n = Number(new DataView(good.buffer).getBigUint64(0, true));
    const bad: [string, Uint8Array][] = [
      ['empty', new Uint8Array(0)],
      ['truncated data', good.subarray(0, good.length - 1)],
      ['truncated header', good.subarray(0, 12)],
      ['extra bytes', new Uint8Array([...good, 0, 0, 0, 0])],
    ];
    const flip = (at: number, v: number) => {
      const c = Uint8Array.from(good);
      c[at] = v;
      return c;
    };
    bad.push(['huge header length', flip(7, 0x7f)], ['broken JSON', flip(8, 0x41)]);
    const json = (h: object) => {
      const j = Buffer.from(JSON.stringify(h));
      const out = new Uint8Array(8 + j.length + 16);
      new DataView(out.buffer).setBigUint64(0, BigInt(j.length), true);
      out.set(j, 8);
      return out;
    };
    bad.push(['F16 dtype', json({ w: { dtype: 'F16', shape: [8], data_offsets: [0, 16] } })]);
    bad.push(['shape/offset mismatch', json({ w: { dtype: 'F32', shape: [5], data_offsets: [0, 16] } })]);
    bad.push(['overlap', json({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] }, v: { dtype: 'F32', shape: [2], data_offsets: [8, 16] } })]);
    bad.push(['out of range', json({ w: { dtype: 'F32', shape: [8], data_offsets: [0, 32] } })]);
    bad.push(['non-string metadata', json({ __metadata__: { a: 1 }, w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } })]);
    expect(n).toBeGreaterThan(0);
    for (const [what, bytes] of bad) expect(() => decodeSafetensors(bytes, what), what).toThrow(SafetensorsError);
  });
});

describe('model checkpoints', () => {
  it('save -> load gives the same predictions, PyTorch names and [out, in] shapes', async () => {
    const m = model(3);
    const { x, y } = blobs(40, 5, 2);
    await m.fit(x, Int32Array.from(y.map((v) => v)), { optimizer: new Adam(m.parameters(), { lr: 0.01 }), epochs: 2, batchSize: 8 });
    const file = path.join(dir, 'm.safetensors');
    await m.save(file, { epoch: 2 });
    const { tensors, metadata } = decodeSafetensors(fs.readFileSync(file));
    expect([...tensors.keys()]).toEqual(['0.weight', '0.bias', '2.weight', '2.bias', '4.weight', '5.weight', '5.bias']);
    expect(tensors.get('0.weight')!.shape).toEqual([7, 5]);
    expect(tensors.get('0.weight')!.data[1 * 5 + 2]).toBe(m.layers[0].weight[2 * 7 + 1]); // W[in=2][out=1] = torch[1][2]
    expect(metadata.format).toBe('pt');
    const loaded = await Sequential.load(file);
    expect(loaded.predict(x).data).toEqual(m.predict(x).data);
    expect(loaded.summary()).toBe(m.summary());
    const ck = await loadCheckpoint(file);
    expect(ck.epoch).toBe(2);
    const other = model(99);
    await other.loadWeights(file);
    expect(other.paramArena).toEqual(m.paramArena);
  });

  it('stores optimizer state and gives it back', async () => {
    const m = model(1);
    const opt = new Adam(m.parameters(), { lr: 0.01 });
    const { x, y } = blobs(16, 5, 2);
    await m.fit(x, y, { optimizer: opt, epochs: 1, batchSize: 4 });
    if (typeof opt.stateDict !== 'function') return;
    const file = path.join(dir, 'opt.safetensors');
    await m.save(file, { optimizer: opt, epoch: 1 });
    const ck = await loadCheckpoint(file);
    expect(JSON.stringify(ck.optimizerState, (_k, v) => (v instanceof Float32Array ? Array.from(v) : v))).toBe(
      JSON.stringify(opt.stateDict(), (_k, v) => (v instanceof Float32Array || v instanceof Float64Array ? Array.from(v, Math.fround) : v)),
    );
  });

  it('a corrupt, truncated or mismatched file is a clear error and changes nothing', async () => {
    const m = model(1);
    const file = path.join(dir, 'c.safetensors');
    await m.save(file);
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(file, bytes.subarray(0, bytes.length - 10));
    await expect(Sequential.load(file)).rejects.toThrow(/truncated/);
    const target = model(2);
    const before = Float32Array.from(target.paramArena);
    await expect(target.loadWeights(file)).rejects.toBeInstanceOf(SafetensorsError);
    fs.writeFileSync(path.join(dir, 'small.safetensors'), encodeSafetensors({ '0.weight': { shape: [7, 4], data: new Float32Array(28) } }));
    await expect(target.loadWeights(path.join(dir, 'small.safetensors'))).rejects.toThrow(/0\.weight.*\[7, 5\]/);
    expect(target.paramArena).toEqual(before);
    await expect(Sequential.load(path.join(dir, 'missing.safetensors'))).rejects.toThrow(/ENOENT/);
  });

  it('a process killed mid-save never leaves a corrupt checkpoint', async () => {
    const file = path.join(dir, 'kill.safetensors');
    for (let round = 0; round < 3; round++) {
      const child = spawn(process.execPath, [path.join(__dirname, 'helpers', 'save-loop.js'), file], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      await new Promise((r) => setTimeout(r, 30 + 37 * round));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const loaded = await Sequential.load(file);
      const v = loaded.paramArena[0];
      expect(v === 1 || v === 2).toBe(true);
      expect(loaded.paramArena.every((w) => w === v)).toBe(true);
    }
    // Temporary files of killed writers may remain; the checkpoint itself is intact.
    expect(fs.readdirSync(dir).filter((f) => f === 'kill.safetensors')).toHaveLength(1);
  });
});
