/** Float32Array <-> base64 (little-endian bytes) for JSON-safe state dicts. @packageDocumentation */

/** base64 of the array's bytes. */
export function encodeBuffer(a: Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

/** A new Float32Array from base64 produced by {@link encodeBuffer}. */
export function decodeBuffer(s: string): Float32Array {
  const bytes = Buffer.from(s, 'base64');
  if (bytes.length % 4 !== 0) throw new RangeError('a base64 state buffer must hold a whole number of float32 values');
  const out = new Float32Array(bytes.length / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}
