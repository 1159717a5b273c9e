import { describe, expect, it } from 'vitest';
import { cpuInfo, getNumThreads, setIsa, setNumThreads } from 'simdtrain';

describe('cpuInfo / setIsa', () => {
  it('reports arch, active ISA, supported ISAs and threads', () => {
    const info = cpuInfo();
    expect(['x64', 'arm64', 'other']).toContain(info.arch);
    expect(info.supported).toContain('scalar');
    expect(info.supported).toContain(info.isa);
    expect(info.supported[info.supported.length - 1]).toBe(info.best);
    expect(info.threads).toBeGreaterThanOrEqual(1);
    if (info.arch === 'x64') expect(info.supported).toContain('sse2');
  });

  it('setIsa switches among supported ISAs', () => {
    for (const isa of cpuInfo().supported) {
      setIsa(isa);
      expect(cpuInfo().isa).toBe(isa);
    }
    setIsa(cpuInfo().best);
  });

  it('setIsa rejects unknown or unsupported names with RangeError, non-strings with TypeError', () => {
    const before = cpuInfo().isa;
    expect(() => setIsa('avx1024' as never)).toThrow(RangeError);
    expect(() => setIsa('avx1024' as never)).toThrow(/'isa'/);
    const unsupported = ['sse2', 'avx2', 'avx512', 'neon'].find((i) => !cpuInfo().supported.includes(i as never));
    if (unsupported) expect(() => setIsa(unsupported as never)).toThrow(/not supported/);
    expect(() => setIsa(3 as never)).toThrow(TypeError);
    expect(cpuInfo().isa).toBe(before);
  });
});

describe('thread pool size', () => {
  it('set/get round-trips and validates', () => {
    const before = getNumThreads();
    setNumThreads(1);
    expect(getNumThreads()).toBe(1);
    setNumThreads(3);
    expect(cpuInfo().threads).toBe(3);
    expect(() => setNumThreads(0)).toThrow(RangeError);
    expect(() => setNumThreads(1.5)).toThrow(RangeError);
    expect(() => setNumThreads(NaN)).toThrow(/'threads'/);
    expect(() => setNumThreads('2' as never)).toThrow(TypeError);
    expect(getNumThreads()).toBe(3);
    setNumThreads(before);
  });
});
