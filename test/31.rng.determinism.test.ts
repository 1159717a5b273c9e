// Same seed -> same bits on every ISA, thread count, size and alignment;
// the documented stream mapping (checked with an independent JS Philox);
// offsets and Generator semantics.
import { describe, expect, it } from 'vitest';
import { Generator, rng, setNumThreads } from 'simdtrain';
import { guardedView, TAIL_SIZES } from './helpers/data';
import { withEachIsa } from './helpers/isa';
import { philox4x32_10, streamWord } from './helpers/philox';

const bits = (x: Float32Array) => new Uint32Array(x.buffer, x.byteOffset, x.length);
const sameBits = (a: Float32Array, b: Float32Array) => a.length === b.length && bits(a).every((v, i) => v === bits(b)[i]);

type Fill = (out: Float32Array, seed: number, offset: number) => Float32Array;
const fills: Record<string, Fill> = {
  uniform: (out, seed, offset) => rng.uniform(out, { low: -2, high: 3, seed, offset }),
  normal: (out, seed, offset) => rng.normal(out, { mean: 0.5, std: 2, seed, offset }),
  truncatedNormal: (out, seed, offset) => rng.truncatedNormal(out, { mean: 0, std: 1, low: -1, high: 2.5, seed, offset }),
};

describe('the stream is the documented Philox4x32-10 mapping', () => {
  it('JS reference Philox reproduces Random123 known answers', () => {
    expect(philox4x32_10([0, 0, 0, 0], [0, 0])).toEqual([0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
    expect(philox4x32_10([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0]))
      .toEqual([0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]);
  });

  it('uniform values are (word >>> 8)·2^-24 mapped to [low, high), for large seeds and offsets', () => {
    const seed = 2 ** 52 + 12345, offset = 2 ** 40 - 70, n = 200;
    const out = rng.uniform(new Float32Array(n), { low: -1, high: 1, seed, offset });
    for (let i = 0; i < n; i++) {
      const u = Math.fround((streamWord(seed, offset + i) >>> 8) * 2 ** -24);
      expect(out[i]).toBe(Math.fround(-1 + Math.fround(2 * u)));
    }
  });
});

describe('same seed, same bits: every ISA x threads 1, 2 x every tail x unaligned views', () => {
  for (const [name, fill] of Object.entries(fills)) {
    it(name, () => {
      const refs = new Map<number, Float32Array>();
      setNumThreads(1);
      for (const threads of [1, 2]) {
        setNumThreads(threads);
        withEachIsa((isa) => {
          for (const n of TAIL_SIZES) {
            for (const offset of n > 1000 ? [3] : [0, 5, 64]) {
              const g = guardedView(new Float32Array(n), 3);
              fill(g.view, 77, offset);
              const key = n * 100 + offset;
              if (!refs.has(key)) refs.set(key, Float32Array.from(g.view));
              expect(sameBits(g.view, refs.get(key)!), `${name} ${isa} t=${threads} n=${n} off=${offset}`).toBe(true);
              expect(g.guardsIntact(), `${name} guards ${isa} n=${n}`).toBe(true);
            }
          }
        });
      }
      setNumThreads(2);
    });
  }
});

describe('seeds and offsets', () => {
  it('different seeds give different arrays', () => {
    for (const fill of Object.values(fills)) {
      const a = fill(new Float32Array(10000), 1, 0), b = fill(new Float32Array(10000), 2, 0);
      const equal = a.filter((v, i) => v === b[i]).length;
      expect(equal).toBeLessThan(50);
    }
  });

  it('a fill at offset k equals elements k.. of a fill from 0 (any k)', () => {
    for (const fill of Object.values(fills)) {
      const whole = fill(new Float32Array(3000), 9, 0);
      for (const k of [1, 15, 63, 64, 65, 1000]) {
        expect(sameBits(fill(new Float32Array(3000 - k), 9, k), whole.subarray(k))).toBe(true);
      }
    }
  });
});

describe('Generator', () => {
  it('successive calls differ; a fill of n then m equals one fill of n + m', () => {
    for (const method of ['uniform', 'normal', 'truncatedNormal'] as const) {
      const g = new Generator(123);
      const a = g[method](new Float32Array(37));
      const b = g[method](new Float32Array(100));
      expect(a.some((v, i) => v !== b[i])).toBe(true);
      const once = new Generator(123)[method](new Float32Array(137));
      expect(sameBits(a, once.subarray(0, 37)) && sameBits(b, once.subarray(37))).toBe(true);
      expect(g.offset).toBe(137);
    }
  });

  it('getState / setState replays exactly; distributions share one stream', () => {
    const g = new Generator(8);
    g.normal(new Float32Array(10));
    const saved = g.getState();
    expect(saved).toEqual({ seed: 8, offset: 10 });
    const u1 = g.uniform(new Float32Array(50), { low: 0, high: 4 });
    expect(g.offset).toBe(60);
    g.setState(saved);
    expect(sameBits(g.uniform(new Float32Array(50), { low: 0, high: 4 }), u1)).toBe(true);
    // The stateless fill at the same seed and offset reads the same elements.
    expect(sameBits(rng.uniform(new Float32Array(50), { low: 0, high: 4, seed: 8, offset: 10 }), u1)).toBe(true);
  });

  it('unseeded generators differ; manualSeed makes the default generator reproducible', () => {
    const a = new Generator().uniform(new Float32Array(64));
    const b = new Generator().uniform(new Float32Array(64));
    expect(a.some((v, i) => v !== b[i])).toBe(true);
    rng.manualSeed(2024);
    const first = rng.normal(new Float32Array(20));
    const second = rng.normal(new Float32Array(20));
    expect(sameBits(first, second)).toBe(false);
    rng.manualSeed(2024);
    expect(sameBits(rng.normal(new Float32Array(20)), first)).toBe(true);
    expect(rng.getDefaultGenerator().getState()).toEqual({ seed: 2024, offset: 20 });
  });

  it('a failed call does not advance the offset', () => {
    const g = new Generator(1);
    expect(() => g.uniform(new Float32Array(5), { low: 1, high: 0 })).toThrow(RangeError);
    expect(g.offset).toBe(0);
  });
});
