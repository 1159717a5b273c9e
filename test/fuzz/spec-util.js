// Helpers for building valid arguments in fuzz specs.
'use strict';

function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x / 2 ** 32;
  };
}
const f32 = (r, n) => Float32Array.from({ length: n }, () => r() * 2 - 1);
const size = (r, max = 40) => Math.floor(r() * max);

module.exports = { rng, f32, size };
