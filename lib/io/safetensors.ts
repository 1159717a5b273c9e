/**
 * The safetensors format: an 8-byte little-endian header length N, N bytes
 * of JSON (`{ name: { dtype, shape, data_offsets: [begin, end] }, ...,
 * "__metadata__": { key: "string" } }`), then the raw little-endian tensor
 * bytes, offsets relative to the end of the header. F32 and I64 are read
 * and written here (I64 for integer buffers such as BatchNorm's
 * num_batches_tracked, as PyTorch stores them; held as floats in memory).
 * Every field is validated on read: a truncated or corrupt
 * file is a {@link SafetensorsError}, never a bad tensor.
 * @packageDocumentation
 */

/** The dtypes read and written. */
export type Dtype = 'F32' | 'I64';

/** One tensor (values held as floats whatever the stored dtype). */
export interface Tensor {
  /** Sizes, outermost first. */
  shape: number[];
  /** shape.reduce(*) values, row-major. */
  data: Float32Array;
  /** Stored dtype (default F32); I64 values must be integers. */
  dtype?: Dtype;
}

const BYTES: Record<Dtype, number> = { F32: 4, I64: 8 };

/** Tensors by name, plus the string metadata map. */
export interface SafetensorsFile {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
}

/**
 * A malformed safetensors file, or (with `kind: 'mismatch'`) a valid file
 * whose tensors do not fit what the caller expects. The message starts with
 * the file name.
 */
export class SafetensorsError extends Error {
  /** `'format'`: the file is malformed; `'mismatch'`: valid, but not what was expected. */
  readonly kind: 'format' | 'mismatch';
  /** @internal */
  constructor(source: string, message: string, kind: 'format' | 'mismatch' = 'format') {
    super(kind === 'format' ? `${source}: not a valid safetensors file: ${message}` : `${source}: ${message}`);
    this.name = 'SafetensorsError';
    this.kind = kind;
  }
}

/** Sets an own property, even one named `__proto__`. */
function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const MAX_HEADER = 100 * 1024 * 1024;
const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Serializes tensors (in insertion order) and metadata to bytes. */
export function encodeSafetensors(tensors: Map<string, Tensor> | Record<string, Tensor>, metadata: Record<string, string> = {}): Uint8Array {
  if (!littleEndian) throw new Error('safetensors writing needs a little-endian platform');
  if (typeof tensors !== 'object' || tensors === null) throw new TypeError(`'tensors' must be a Map or an object of tensors`);
  if (typeof metadata !== 'object' || metadata === null) throw new TypeError(`'metadata' must be an object of strings`);
  const entries = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  const bodies: ArrayBufferView[] = [];
  // Everything the decoder would refuse is refused here, before any byte is
  // written: a file this function writes always reads back.
  const header: Record<string, unknown> = {};
  const meta: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') throw new TypeError(`metadata '${k}' must be a string`);
    defineOwn(meta, k, v);
  }
  if (Object.keys(meta).length) header.__metadata__ = meta;
  let offset = 0;
  for (let i = 0; i < entries.length; i++) {
    const [name, t] = entries[i];
    if (typeof name !== 'string') throw new TypeError(`tensor names must be strings (got ${typeof name})`);
    if (name === '__metadata__') throw new RangeError(`'__metadata__' is not a tensor name`);
    if (typeof t !== 'object' || t === null || !(t.data instanceof Float32Array)) throw new TypeError(`tensor '${name}': 'data' must be a Float32Array`);
    if (!isIntArray(t.shape)) throw new RangeError(`tensor '${name}': 'shape' must be an array of integers >= 0 (got ${JSON.stringify(t.shape)})`);
    const shape = [...t.shape];
    const data = t.data; // read once: a getter cannot change it between the checks and the copy
    const dtype = t.dtype ?? 'F32';
    if (dtype !== 'F32' && dtype !== 'I64') throw new TypeError(`tensor '${name}': 'dtype' must be 'F32' or 'I64' (got ${JSON.stringify(dtype)})`);
    const count = shape.reduce((a, b) => a * b, 1);
    if (count !== data.length) throw new RangeError(`tensor '${name}': shape [${shape.join(', ')}] does not match ${data.length} values`);
    // I64: converted now (a copy), so later changes to `data` cannot make a non-integer slip in.
    const stored = dtype === 'I64' ? toInt64(data, name) : data;
    defineOwn(header, name, { dtype, shape, data_offsets: [offset, offset + BYTES[dtype] * count] });
    bodies.push(stored);
    offset += BYTES[dtype] * count;
  }
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  const pad = (8 - (json.length % 8)) % 8; // keep the data 8-byte aligned
  if (pad) json = Buffer.concat([json, Buffer.alloc(pad, 0x20)]);
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const d of bodies) {
    if (d.byteLength > out.length - at) throw new RangeError('a tensor changed size while it was encoded');
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), at);
    at += d.byteLength;
  }
  if (at !== out.length) throw new RangeError('a tensor changed size while it was encoded');
  return out;
}

/** Float values -> int64 (RangeError naming the tensor for a non-integer). */
function toInt64(data: Float32Array, name: string): BigInt64Array {
  const out = new BigInt64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isSafeInteger(v)) throw new RangeError(`tensor '${name}' (I64): value ${v} at ${i} is not an integer`);
    out[i] = BigInt(v);
  }
  return out;
}

function isIntArray(x: unknown): x is number[] {
  return Array.isArray(x) && x.every((v) => Number.isSafeInteger(v) && v >= 0);
}

/**
 * Parses safetensors bytes; `source` names the file in errors.
 * @throws SafetensorsError for any inconsistency (length, JSON, dtype,
 * shapes, offsets outside the data, overlaps or gaps).
 */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors data'): SafetensorsFile {
  const fail = (m: string): never => {
    throw new SafetensorsError(source, m);
  };
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`'bytes' must be a Uint8Array (got ${bytes === null ? 'null' : typeof bytes})`);
  if (bytes.length < 8) fail(`only ${bytes.length} bytes (truncated?)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(Math.min(MAX_HEADER, bytes.length - 8))) fail(`header length ${n} exceeds the file (${bytes.length} bytes; truncated?)`);
  const headerEnd = 8 + Number(n);
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 8, Number(n)).toString('utf8'));
  } catch (e) {
    fail(`header is not JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('header is not a JSON object');
  const dataLength = bytes.length - headerEnd;
  const metadata: Record<string, string> = {};
  const spans: [number, number, string][] = [];
  const tensors = new Map<string, Tensor>();
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) fail('__metadata__ is not an object');
      for (const [k, v] of Object.entries(entry as object)) {
        if (typeof v !== 'string') fail(`__metadata__ '${k}' is not a string`);
        defineOwn(metadata, k, v);
      }
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e !== 'object' || e === null) fail(`tensor '${name}' is not an object`);
    if (e.dtype !== 'F32' && e.dtype !== 'I64') fail(`tensor '${name}' has dtype ${JSON.stringify(e.dtype)} (only F32 and I64 are supported)`);
    const dtype = e.dtype as Dtype;
    if (!isIntArray(e.shape)) fail(`tensor '${name}' has a bad shape`);
    if (!isIntArray(e.data_offsets) || e.data_offsets.length !== 2) fail(`tensor '${name}' has bad data_offsets`);
    const shape = e.shape as number[];
    const [begin, end] = e.data_offsets as number[];
    const count = shape.reduce((a, b) => a * b, 1);
    if (end < begin || end - begin !== BYTES[dtype] * count) fail(`tensor '${name}': data_offsets [${begin}, ${end}] do not hold shape [${shape.join(', ')}] of ${dtype}`);
    if (end > dataLength) fail(`tensor '${name}' ends at byte ${end} but the data has ${dataLength} (truncated?)`);
    spans.push([begin, end, name]);
    if (!littleEndian) fail('reading needs a little-endian platform');
    let data = new Float32Array(count);
    if (dtype === 'F32') {
      new Uint8Array(data.buffer).set(bytes.subarray(headerEnd + begin, headerEnd + end));
    } else {
      const ints = new BigInt64Array(count);
      new Uint8Array(ints.buffer).set(bytes.subarray(headerEnd + begin, headerEnd + end));
      data = Float32Array.from(ints, (v) => Number(v));
    }
    tensors.set(name, dtype === 'F32' ? { shape, data } : { shape, data, dtype });
  }
  spans.sort((a, b) => a[0] - b[0]);
  let at = 0;
  for (const [begin, end, name] of spans) {
    if (begin !== at) fail(`tensor '${name}' starts at ${begin}, expected ${at} (overlap or gap)`);
    at = end;
  }
  if (at !== dataLength) fail(`${dataLength - at} bytes after the last tensor`);
  return { tensors, metadata };
}
