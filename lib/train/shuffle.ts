/**
 * Seeded row permutations for shuffled epochs (Fisher-Yates driven by a
 * 32-bit mulberry generator): the same seed and epoch give the same order.
 * @packageDocumentation
 */

/** Writes a permutation of 0..n-1 for (seed, epoch) into `out` and returns it. */
export function permutation(out: Int32Array, seed: number, epoch: number): Int32Array {
  let state = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca6b)) >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = 0; i < out.length; i++) out[i] = i;
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}
