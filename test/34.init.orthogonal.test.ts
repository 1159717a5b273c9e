// orthogonal(): WᵀW = gain²·I (tall/square) or WWᵀ = gain²·I (wide).
import { describe, expect, it } from 'vitest';
import { calculateGain, orthogonal, rng } from 'simdtrain';

// max |G - g²·I| over the Gram matrix of rows (byRows) or columns.
function gramError(w: Float32Array, rows: number, cols: number, byRows: boolean, gain: number): number {
  const k = byRows ? rows : cols, len = byRows ? cols : rows;
  const at = (v: number, i: number) => (byRows ? w[v * cols + i] : w[i * cols + v]);
  let worst = 0;
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      let dot = 0;
      for (let i = 0; i < len; i++) dot += at(a, i) * at(b, i);
      worst = Math.max(worst, Math.abs(dot - (a === b ? gain * gain : 0)));
    }
  }
  return worst;
}

describe('orthogonal', () => {
  const cases: [string, number[], number][] = [
    ['square', [64, 64], 1],
    ['tall', [200, 30], 1],
    ['wide', [20, 150], calculateGain('relu')],
    ['rank 3, flattened to [shape[0], rest]', [6, 4, 5], 2],
    ['single column', [9, 1], 1],
  ];
  for (const [name, shape, gain] of cases) {
    it(`${name} ${JSON.stringify(shape)} gain ${gain.toFixed(3)}`, () => {
      const rows = shape[0], cols = shape.slice(1).reduce((a, b) => a * b, 1);
      const w = orthogonal({ gain })(shape, { seed: 10 });
      expect(w.length).toBe(rows * cols);
      // float32 storage: ~1e-7 relative per element, summed over len terms.
      expect(gramError(w, rows, cols, rows < cols, gain)).toBeLessThan(2e-6 * gain * gain * Math.sqrt(Math.max(rows, cols)));
      // Not a trivial permutation/identity: entries are spread out.
      expect(w.filter((v) => Math.abs(v) > 1e-3).length).toBeGreaterThan(0.9 * w.length);
    });
  }

  it('is reproducible per seed, differs across seeds, and call gain multiplies factory gain', () => {
    const a = orthogonal()([16, 8], { seed: 1 });
    expect(orthogonal()([16, 8], { seed: 1 })).toEqual(a);
    expect(orthogonal()([16, 8], { seed: 2 })).not.toEqual(a);
    const b = orthogonal({ gain: 2 })([16, 8], { seed: 1, gain: 1.5 });
    expect(Math.max(...b.map((v, i) => Math.abs(v - 3 * a[i])))).toBeLessThan(1e-6);
  });

  it('sign-corrected like PyTorch: R has a positive diagonal, so Q·diag(sign) is unique', () => {
    // For a tall W = QR with positive diag(R), the first column of W equals
    // (normal samples' first column) / its norm: check against the samples.
    const w = orthogonal()([5, 3], { seed: 21 });
    const s = rng.normal(new Float32Array(15), { seed: 21 });
    let norm = 0;
    for (let i = 0; i < 5; i++) norm += s[i * 3] ** 2;
    for (let i = 0; i < 5; i++) expect(w[i * 3]).toBeCloseTo(s[i * 3] / Math.sqrt(norm), 6);
  });
});
