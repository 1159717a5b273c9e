/**
 * Timing for `simdtrain bench`: the best of repeated runs (the figure least
 * disturbed by other work on the machine, and what the Python peer script
 * reports too, so both sides are measured the same way).
 * @packageDocumentation
 */
import { Generator } from '../rng';

/** Seconds of the fastest of up to `maxReps` calls, after one warm-up, stopping once `minSeconds` have passed. */
export function bestSeconds(fn: () => void, minSeconds: number, maxReps = 50): number {
  fn();
  let best = Infinity;
  const start = process.hrtime.bigint();
  for (let rep = 0; rep < maxReps; rep++) {
    const t = process.hrtime.bigint();
    fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9);
    if (Number(process.hrtime.bigint() - start) / 1e9 > minSeconds) break;
  }
  return best;
}

/** Seeded uniform floats in [low, high) from simdtrain's own generator (the native Philox kernels). */
export function uniformFloats(n: number, seed: number, low = -1, high = 1): Float32Array {
  return new Generator(seed).uniform(new Float32Array(n), { low, high });
}
