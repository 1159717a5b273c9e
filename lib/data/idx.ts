/**
 * A parser for the IDX file format (the MNIST files): two zero bytes, a
 * type byte, a dimension count, that many big-endian uint32 sizes, then the
 * values big-endian, row-major. Every field is validated; a truncated,
 * oversized or malformed file is a clear error naming the file.
 * {@link readIdxFile} reads only what `limit` asks for, also from a `.gz`
 * file (inflated step by step, never whole).
 * @packageDocumentation
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';

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

/** Options of {@link parseIdx} and {@link readIdxFile}. */
export interface IdxOptions {
  /**
   * Keep only the first `limit` entries of the outermost dimension (an
   * integer >= 0; default all). Bytes past them are not read or checked.
   */
  limit?: number;
}

/** The most dimensions accepted (MNIST uses 1 and 3). */
const MAX_DIMS = 16;

/** Checks `limit` (TypeError / RangeError naming it); undefined = no limit. @internal */
export function checkLimit(limit: unknown, name = 'limit'): number {
  if (limit === undefined) return Infinity;
  if (typeof limit !== 'number') throw new TypeError(`'${name}' must be a number (got ${typeof limit})`);
  if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`'${name}' must be an integer >= 0 (got ${limit})`);
  return limit;
}

interface IdxHeader {
  type: (typeof TYPES)[number];
  dims: number[];
  headerSize: number;
  /** Bytes per entry of the outermost dimension. */
  rowBytes: number;
}

/** Parses the header from the first bytes (at least 4 + 4 * ndims of them). */
function parseHeader(bytes: Uint8Array, fail: (m: string) => never): IdxHeader {
  if (bytes.length < 4) fail(`only ${bytes.length} bytes (the header alone is at least 4)`);
  if (bytes[0] !== 0 || bytes[1] !== 0) fail(`bad magic number (first two bytes must be 0, got ${bytes[0]}, ${bytes[1]}); is it gzipped?`);
  const t = TYPES[bytes[2]];
  if (!t) fail(`unknown element type 0x${bytes[2].toString(16)}`);
  const ndims = bytes[3];
  if (ndims < 1) fail('zero dimensions');
  if (ndims > MAX_DIMS) fail(`${ndims} dimensions (at most ${MAX_DIMS} are accepted)`);
  const headerSize = 4 + 4 * ndims;
  if (bytes.length < headerSize) fail(`truncated header (${bytes.length} bytes, needs ${headerSize})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  // An empty outer dimension is an empty tensor; an empty inner one is nonsense.
  if (dims.slice(1).some((d) => d === 0)) fail(`dimensions [${dims.join(', ')}] have an empty inner dimension`);
  const rowBytes = dims.slice(1).reduce((a, b) => a * b, t.size);
  if (!Number.isSafeInteger(rowBytes * dims[0])) fail(`dimensions [${dims.join(', ')}] are too large`);
  return { type: t, dims, headerSize, rowBytes };
}

/**
 * Parses IDX bytes. `source` names the file in error messages.
 * @throws IdxFormatError when the header or the length is wrong;
 * TypeError / RangeError for a bad `limit`.
 */
export function parseIdx(bytes: Uint8Array, source = 'IDX data', options: IdxOptions = {}): IdxTensor {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`'bytes' must be a Uint8Array`);
  const limit = checkLimit(options.limit);
  const fail = (m: string): never => {
    throw new IdxFormatError(source, m);
  };
  const { type: t, dims: fileDims, headerSize, rowBytes } = parseHeader(bytes, fail);
  const rows = Math.min(fileDims[0], limit);
  const dims = [rows, ...fileDims.slice(1)];
  const count = (rows * rowBytes) / t.size;
  const full = headerSize + fileDims[0] * rowBytes;
  const expected = headerSize + rows * rowBytes;
  if (bytes.length < expected) fail(`truncated: ${bytes.length} bytes, dimensions [${fileDims.join(', ')}] need ${full}`);
  if (rows === fileDims[0] && bytes.length > expected) fail(`${bytes.length - expected} unexpected bytes after the data (dimensions [${fileDims.join(', ')}])`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
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

/** Output bytes a gzip prefix may give beyond what was asked (bounds memory). */
const GZ_SLACK = 1 << 20;

/**
 * At least `want` bytes of the inflated gzip stream `gz` (fewer only when the
 * stream is shorter) and at most want + GZ_SLACK: the compressed input is
 * fed in growing prefixes, so a small limit never inflates the whole file.
 */
function gunzipPrefix(gz: Uint8Array, want: number, file: string): Buffer {
  const inflate = (n: number): Buffer | 'too large' => {
    try {
      return zlib.gunzipSync(gz.subarray(0, n), { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: want + GZ_SLACK });
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return 'too large';
      throw new IdxFormatError(file, `cannot be decompressed (${(e as Error).message})`);
    }
  };
  let good = 0; // longest prefix known to inflate within the bound
  let n = Math.min(gz.length, 1 << 16);
  for (;;) {
    const out = inflate(n);
    if (out === 'too large') break; // the answer lies between `good` and n
    if (out.length >= want || n === gz.length) return out;
    good = n;
    n = Math.min(gz.length, 2 * n);
  }
  // Bisect: output grows by at most ~1 KiB per input byte, far below the slack.
  let bad = n;
  let best: Buffer | undefined;
  while (bad - good > 1) {
    const mid = good + ((bad - good) >> 1);
    const out = inflate(mid);
    if (out === 'too large') bad = mid;
    else if (out.length >= want) return out;
    else {
      good = mid;
      best = out;
    }
  }
  return best ?? Buffer.alloc(0);
}

/**
 * Reads an IDX file (or a gzip-compressed one, by content), reading only the
 * header and the first `limit` entries. Errors name the file.
 * @throws IdxFormatError for a malformed file; Error when it cannot be read.
 */
export function readIdxFile(file: string, options: IdxOptions = {}): IdxTensor {
  const limit = checkLimit(options.limit);
  const fail = (m: string): never => {
    throw new IdxFormatError(file, m);
  };
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const read = (n: number): Buffer => {
      const out = Buffer.alloc(Math.min(n, size));
      let at = 0;
      while (at < out.length) {
        const got = fs.readSync(fd, out, at, out.length - at, at);
        if (got === 0) break;
        at += got;
      }
      return out.subarray(0, at);
    };
    const first = read(4 + 4 * 255);
    if (first[0] === 0x1f && first[1] === 0x8b) {
      const gz = read(size); // the compressed size is what the file says
      const h = parseHeader(gunzipPrefix(gz, 4 + 4 * 255, file), fail);
      const rows = Math.min(h.dims[0], limit);
      const want = h.headerSize + rows * h.rowBytes;
      // Without a limit one more byte shows trailing garbage.
      const bytes = gunzipPrefix(gz, rows === h.dims[0] ? want + 1 : want, file);
      return parseIdx(rows === h.dims[0] ? bytes : bytes.subarray(0, want), file, { limit: rows });
    }
    const h = parseHeader(first, fail);
    const rows = Math.min(h.dims[0], limit);
    const want = h.headerSize + rows * h.rowBytes;
    return parseIdx(read(rows === h.dims[0] ? size : want), file, { limit: rows });
  } finally {
    fs.closeSync(fd);
  }
}
