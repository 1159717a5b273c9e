// Our checkpoints against PyTorch's state_dict of the equivalent torch.nn
// modules: names, shapes and dtypes, exactly (num_batches_tracked is I64 as
// torch has it). The fixture comes from Debian's torch through
// `node scripts/check-torch-load.js --write-fixture`, which also loads each
// checkpoint with load_state_dict(strict=True) and compares outputs; CI has
// no torch, so this test keeps the names honest there.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as st from 'simdtrain';

const require = createRequire(import.meta.url);
const { build } = require('../scripts/torch-interop-models.js') as {
  build(s: typeof st): { name: string; model: st.GraphModel & { save(p: string): Promise<void> } }[];
};
// First thing in this process (auto layer names count from here, as in the generator).
const models = build(st);
const fixture: { models: Record<string, Record<string, { dtype: string; shape: number[] }>> } = JSON.parse(
  fs.readFileSync(path.join(__dirname, 'fixtures', 'torch-state-dicts.json'), 'utf8'),
);

/** name -> { dtype, shape } from a safetensors file's header. */
function header(file: string): Record<string, { dtype: string; shape: number[] }> {
  const bytes = fs.readFileSync(file);
  const n = Number(bytes.readBigUInt64LE(0));
  const h = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<string, { dtype: string; shape: number[] }>;
  delete (h as Record<string, unknown>).__metadata__;
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, { dtype: v.dtype, shape: v.shape }]));
}

describe('checkpoints have torch state_dict names, shapes and dtypes', () => {
  it('covers every model the fixture holds', () => {
    expect(models.map((m) => m.name).sort()).toEqual(Object.keys(fixture.models).sort());
  });

  it.each(models.map((m) => [m.name, m] as const))('%s', async (name, { model }) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simdtrain-torchnames-'));
    try {
      const file = path.join(dir, 'm.safetensors');
      await model.save(file);
      expect(header(file)).toEqual(fixture.models[name]);
      // The I64 counter reads back (after two training steps it is 2).
      const bn = model.tensors.find((t) => t.spec.key === 'num_batches_tracked');
      if (bn) {
        bn.layer.bound.num_batches_tracked.data[0] = 2;
        await model.save(file);
        const { model: back } = await st.loadCheckpoint(file);
        const t = (back as st.GraphModel).tensors.find((x) => x.name === bn.name)!;
        expect(t.layer.bound.num_batches_tracked.data[0]).toBe(2);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('safetensors I64', () => {
  it('round-trips integer values, refuses non-integers and I64 offsets that do not hold the shape', () => {
    const bytes = st.encodeSafetensors({ n: { shape: [], data: Float32Array.of(7), dtype: 'I64' }, w: { shape: [2], data: Float32Array.of(1.5, 2) } });
    const back = st.decodeSafetensors(bytes);
    expect(back.tensors.get('n')).toEqual({ shape: [], data: Float32Array.of(7), dtype: 'I64' });
    expect(Array.from(back.tensors.get('w')!.data)).toEqual([1.5, 2]);
    expect(() => st.encodeSafetensors({ n: { shape: [1], data: Float32Array.of(0.5), dtype: 'I64' } })).toThrow(/tensor 'n' \(I64\): value 0.5 at 0 is not an integer/);
    expect(() => st.encodeSafetensors({ n: { shape: [1], data: Float32Array.of(1), dtype: 'F16' as never } })).toThrow(TypeError);
    const json = Buffer.from(JSON.stringify({ n: { dtype: 'I64', shape: [2], data_offsets: [0, 8] } }));
    const file = Buffer.concat([Buffer.alloc(8), json, Buffer.alloc(8)]);
    file.writeBigUInt64LE(BigInt(json.length), 0);
    expect(() => st.decodeSafetensors(new Uint8Array(file))).toThrow(/do not hold shape \[2\] of I64/);
  });
});
