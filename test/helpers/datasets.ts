// Small synthetic data sets for the trainer tests.

/** XOR: 4 points, labels 0/1. */
export function xor() {
  return { x: { rows: 4, cols: 2, data: new Float32Array([0, 0, 0, 1, 1, 0, 1, 1]) }, y: new Int32Array([0, 1, 1, 0]) };
}

/** Two linearly separable Gaussian-ish blobs in `dims` dimensions, n points. */
export function blobs(n: number, dims: number, seed: number) {
  let s = seed >>> 0 || 1;
  const rnd = () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 2 ** 32;
  };
  const x = new Float32Array(n * dims);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    for (let d = 0; d < dims; d++) x[i * dims + d] = (y[i] ? 1 : -1) * (d === 0 ? 1.5 : 0.3) + (rnd() - 0.5) * 1.5;
  }
  return { x: { rows: n, cols: dims, data: x }, y };
}
