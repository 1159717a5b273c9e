// bf16 GEMM (precision: 'bf16'): every path this CPU can run plus the exact
// emulation, against fp64 references of the bf16-rounded inputs (fp32
// accumulation bound) and of the original inputs (the bf16 bound of
// docs/bf16.md), all transposes, tails of the 8/16/32 tiles, 1 and 2 threads.
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { cpuInfo, matmul, matmulAsync, matrix, setBf16, setNumThreads, getNumThreads, sgemm, sgemmAsync, type Bf16PathName } from 'simdtrain';
import { checkGemm, describeProblem, makeProblem, type GemmProblem } from './helpers/gemm';

const f32 = new Float32Array(1), u32 = new Uint32Array(f32.buffer);
/** fp32 -> bf16 -> fp32, nearest even, denormals to zero (bf16.h). */
function bf16(x: number): number {
  f32[0] = x;
  const u = u32[0];
  if ((u & 0x7fffffff) > 0x7f800000) return x;
  if ((u & 0x7f800000) === 0) u32[0] = u & 0x80000000;
  else u32[0] = ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) << 16;
  return f32[0];
}

const info = cpuInfo().bf16;
const paths: Bf16PathName[] = ['emulate', ...(['avx512bf16', 'amx'] as const).filter((p) => info[p])];
const defaultPath = info.active;
const defaultThreads = getNumThreads();
afterAll(() => {
  setBf16(defaultPath);
  setNumThreads(defaultThreads);
});

function run(p: GemmProblem): Float32Array {
  const C = p.C.slice();
  sgemm(p.ta, p.tb, p.m, p.n, p.k, p.alpha, p.A, p.lda, p.B, p.ldb, p.beta, C, p.ldc,
    { bias: p.bias, activation: p.relu ? 'relu' : 'none', precision: 'bf16' });
  return C;
}

// fp32 sums of bf16 products: (k + 2) 2^-24; against the original inputs add
// the two roundings of a product: 2^-7 + 2^-16 (docs/bf16.md).
const tight = (k: number) => (k + 4) * 2 ** -24 * 1.02;
const loose = (k: number) => (2 ** -7 + 2 ** -16 + (k + 4) * 2 ** -24) * 1.02;

describe('sgemm precision bf16', () => {
  it('cpuInfo reports the bf16 paths and why one is missing', () => {
    expect(typeof info.amx).toBe('boolean');
    expect(typeof info.avx512bf16).toBe('boolean');
    expect(['amx', 'avx512bf16', 'emulate']).toContain(info.active);
    for (const p of ['amx', 'avx512bf16'] as const) {
      if (!info[p]) expect(info.reasons[p]).toMatch(/\w/);
    }
  });

  for (const path of paths) {
    it(`${path}: tails, transposes, epilogue within the bf16 bounds (1 and 2 threads)`, () => {
      setBf16(path);
      let seed = 1;
      for (const threads of [1, 2]) {
        setNumThreads(threads);
        for (const [m, n, k] of [[1, 1, 1], [7, 15, 3], [17, 33, 31], [33, 17, 65], [40, 50, 97], [65, 34, 600]]) {
          for (let t = 0; t < 4; t++) {
            const epi = seed % 2 === 0;
            const p = makeProblem({ ta: !!(t & 1), tb: !!(t & 2), m, n, k, alpha: epi ? -0.5 : 1, beta: epi ? 2 : 0,
              bias: epi, relu: seed % 3 === 0, pad: seed % 3, seed: seed++ });
            const C = run(p);
            expect(checkGemm(p, C, { round: bf16, scale: tight(k) }), `${path} rounded ${describeProblem(p)}`).toBe('');
            expect(checkGemm(p, C, { scale: loose(k) }), `${path} original ${describeProblem(p)}`).toBe('');
          }
        }
      }
      setNumThreads(defaultThreads);
    });
  }

  it('the same bits on 1 and 2 threads', () => {
    for (const path of paths) {
      setBf16(path);
      const p = makeProblem({ m: 130, n: 90, k: 700, bias: true, seed: 5 });
      setNumThreads(1);
      const one = run(p);
      setNumThreads(2);
      expect(run(p), path).toEqual(one);
    }
    setNumThreads(defaultThreads);
  });

  it("'off' computes in fp32; bf16 differs from fp32 by about 2^-8", () => {
    const p = makeProblem({ m: 20, n: 30, k: 40, seed: 9 });
    setBf16('off');
    const off = run(p);
    const fp32 = p.C.slice();
    sgemm(p.ta, p.tb, p.m, p.n, p.k, p.alpha, p.A, p.lda, p.B, p.ldb, p.beta, fp32, p.ldc);
    expect(off).toEqual(fp32);
    setBf16(defaultPath);
    const bf = run(p);
    const diff = Math.max(...bf.map((v, i) => Math.abs(v - fp32[i])));
    expect(diff).toBeGreaterThan(1e-4);
    expect(diff).toBeLessThan(0.2);
  });

  it('matmul and the async forms take the option', async () => {
    setBf16(defaultPath);
    const a = matrix(3, 2, new Float32Array([1.00390625, 2, 3, 4, 5, 6])), b = matrix(2, 2, new Float32Array([1, 0, 0, 1]));
    // 1 + 2^-8 is a tie between bf16 neighbours 1 and 1 + 2^-7: rounds to 1 (even).
    expect(Array.from(matmul(a, b, { precision: 'bf16' }).data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(matmul(a, b).data)).toEqual([1.00390625, 2, 3, 4, 5, 6]);
    expect(Array.from((await matmulAsync(a, b, { precision: 'bf16' })).data)).toEqual([1, 2, 3, 4, 5, 6]);
    const C = new Float32Array(6);
    await sgemmAsync(false, false, 3, 2, 2, 1, a.data, 2, b.data, 2, 0, C, 2, { precision: 'bf16' });
    expect(Array.from(C)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('rejects bad precision and path names', () => {
    const A = new Float32Array(4), C = new Float32Array(4);
    // @ts-expect-error wrong precision on purpose
    expect(() => sgemm(false, false, 2, 2, 2, 1, A, 2, A.slice(), 2, 0, C, 2, { precision: 'fp16' })).toThrow(RangeError);
    // @ts-expect-error wrong type on purpose
    expect(() => sgemm(false, false, 2, 2, 2, 1, A, 2, A.slice(), 2, 0, C, 2, { precision: 16 })).toThrow(TypeError);
    // @ts-expect-error wrong name on purpose
    expect(() => setBf16('fp8')).toThrow(RangeError);
    if (!info.amx) expect(() => setBf16('amx')).toThrow(/cannot run here/);
  });

  it('SIMDTRAIN_BF16 picks the path at load; an unusable one is reported and ignored', () => {
    const probe = "console.log(JSON.stringify(require('./dist/index.js').cpuInfo().bf16))";
    const load = (value: string) =>
      JSON.parse(spawnSync(process.execPath, ['-e', probe], { env: { ...process.env, SIMDTRAIN_BF16: value }, encoding: 'utf8' }).stdout);
    expect(load('emulate').active).toBe('emulate');
    expect(load('off').active).toBe('off');
    const bad = load('fp8');
    expect(bad.active).toBe(defaultPath);
    expect(bad.envError).toMatch(/SIMDTRAIN_BF16=fp8/);
  });
});
