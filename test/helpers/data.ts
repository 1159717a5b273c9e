// Deterministic test data and unaligned views.

/** xorshift32 values in [-1, 1), exactly representable in float32. */
export function randomFloats(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = (x >>> 8) * 2 ** -24 * 2 - 1;
  }
  return out;
}

/** Lengths that hit every vector tail (1, 4, 8 and 16 lanes, unroll by 4). */
export const TAIL_SIZES = [0, 1, 3, 7, 8, 15, 16, 17, 31, 33, 64, 1000003];

/**
 * A view of `n` floats starting `offset` floats into a larger buffer, with
 * guard elements on both sides that a kernel must never touch.
 */
export function guardedView(values: Float32Array, offset = 1, guard = 19) {
  const backing = new Float32Array(offset + values.length + guard).fill(-7.5);
  backing.set(values, offset);
  const view = backing.subarray(offset, offset + values.length);
  const guardsIntact = () =>
    backing.subarray(0, offset).every((v) => v === -7.5) &&
    backing.subarray(offset + values.length).every((v) => v === -7.5);
  return { view, backing, guardsIntact };
}

/** Max |a-b| / (|b| + floor) over two arrays. */
export function maxRelError(actual: ArrayLike<number>, expected: ArrayLike<number>, floor = 1e-6): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / (Math.abs(expected[i]) + floor);
    if (!(err <= worst)) worst = err; // NaN propagates as worst
  }
  return worst;
}
