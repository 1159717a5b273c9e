/**
 * bfloat16 <-> float32 for optimizer state buffers held as Uint16Arrays of
 * bf16 bit patterns (the upper half of a float32). Used when state is created
 * or loaded; the per-step stochastic rounding happens natively.
 * @packageDocumentation
 */

/** Exact widening: each bf16 becomes the float32 with the same upper 16 bits. */
export function bf16ToFloat32(h: Uint16Array): Float32Array {
  const out = new Float32Array(h.length);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < h.length; i++) bits[i] = h[i] << 16;
  return out;
}

/**
 * Round to nearest, ties to even (the GEMM packers' rounding): NaN becomes
 * the quiet NaN 0x7FC0 (sign kept), infinities stay, values that round past
 * the largest bf16 become infinity.
 */
export function float32ToBf16(f: Float32Array): Uint16Array {
  const out = new Uint16Array(f.length);
  const bits = new Uint32Array(f.buffer, f.byteOffset, f.length);
  for (let i = 0; i < f.length; i++) {
    const x = bits[i];
    if ((x & 0x7fffffff) > 0x7f800000) {
      out[i] = ((x >>> 16) & 0x8000) | 0x7fc0;
    } else {
      out[i] = (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
    }
  }
  return out;
}
