/**
 * A parser for the IDX file format (the MNIST files): two zero bytes, a
 * type byte, a dimension count, that many big-endian uint32 sizes, then the
 * values big-endian, row-major. Every field is validated; a truncated,
 * oversized or malformed file is a clear error naming the file.
 * @packageDocumentation
 */

/** A parsed IDX tensor. */
export interface IdxTensor {
  /** Element type as named by the format. */
  type: 'ubyte' | 'byte' | 'short' | 'int' | 'float' | 'double';
  /** Sizes, outermost first. */
  dims: number[];
  /** The values (a view of the input for ubyte/byte; converted otherwise). */
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const TYPES: Record<number, { type: IdxTensor['type']; size: number }> = {
  0x08: { type: 'ubyte', size: 1 },
  0x09: { type: 'byte', size: 1 },
  0x0b: { type: 'short', size: 2 },
  0x0c: { type: 'int', size: 4 },
  0x0d: { type: 'float', size: 4 },
  0x0e: { type: 'double', size: 8 },
};

/** Error for a malformed IDX file. */
export class IdxFormatError extends Error {
  /** @internal */
  constructor(source: string, message: string) {
    super(`${source}: not a valid IDX file: ${message}`);
    this.name = 'IdxFormatError';
  }
}

/**
 * Parses IDX bytes. `source` names the file in error messages.
 * @throws IdxFormatError when the header or the length is wrong.
 */
export function parseIdx(bytes: Uint8Array, source = 'IDX data'): IdxTensor {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`'bytes' must be a Uint8Array`);
  const fail = (m: string): never => {
    throw new IdxFormatError(source, m);
  };
  if (bytes.length < 4) fail(`only ${bytes.length} bytes (the header alone is at least 4)`);
  if (bytes[0] !== 0 || bytes[1] !== 0) fail(`bad magic number (first two bytes must be 0, got ${bytes[0]}, ${bytes[1]}); is it gzipped?`);
  const t = TYPES[bytes[2]];
  if (!t) fail(`unknown element type 0x${bytes[2].toString(16)}`);
  const ndims = bytes[3];
  if (ndims < 1) fail('zero dimensions');
  const headerSize = 4 + 4 * ndims;
  if (bytes.length < headerSize) fail(`truncated header (${bytes.length} bytes, needs ${headerSize})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < ndims; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    count *= d;
  }
  if (!Number.isSafeInteger(count * t.size)) fail(`dimensions [${dims.join(', ')}] are too large`);
  const expected = headerSize + count * t.size;
  if (bytes.length < expected) fail(`truncated: ${bytes.length} bytes, dimensions [${dims.join(', ')}] need ${expected}`);
  if (bytes.length > expected) fail(`${bytes.length - expected} unexpected bytes after the data (dimensions [${dims.join(', ')}])`);
  const body = headerSize;
  let data: IdxTensor['data'];
  switch (t.type) {
    case 'ubyte': data = bytes.subarray(body, expected); break;
    case 'byte': data = new Int8Array(bytes.buffer, bytes.byteOffset + body, count); break;
    default: {
      const Ctor = { short: Int16Array, int: Int32Array, float: Float32Array, double: Float64Array }[t.type as 'short'];
      const out = new Ctor(count);
      const read = {
        short: (o: number) => view.getInt16(o, false),
        int: (o: number) => view.getInt32(o, false),
        float: (o: number) => view.getFloat32(o, false),
        double: (o: number) => view.getFloat64(o, false),
      }[t.type as 'short'];
      for (let i = 0; i < count; i++) out[i] = read(body + i * t.size);
      data = out;
    }
  }
  return { type: t.type, dims, data };
}
