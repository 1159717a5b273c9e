/**
 * Reuse of the float32 buffers of the simdtrain backend's native kernels.
 *
 * A training step allocates the same large outputs every batch (a conv
 * layer's activations are megabytes); fresh `Float32Array`s cost a zeroing
 * pass and page faults each time. Buffers that a native kernel of this
 * backend allocated (and that it overwrites completely) go back to a
 * size-keyed free list when the last tensor on them is disposed, unless they
 * escaped: read by `dataSync()`/`data()` (tfjs's cpu backend hands out its
 * storage itself), or shared by a view (a cpu `Slice` returns a subarray;
 * every tensor written on the buffer is counted).
 * @packageDocumentation
 */

/** Buffers below this many floats are not pooled (V8 allocates them cheaply). */
export const POOL_MIN_FLOATS = 4096;
/** At most this many bytes wait in the free lists. */
export const POOL_MAX_BYTES = 256 * 1024 * 1024;

interface Owned { array: Float32Array; tensors: number }

export class BufferPool {
  private readonly free = new Map<number, Float32Array[]>();
  private readonly owned = new WeakMap<ArrayBufferLike, Owned>();
  private bytes = 0;

  /** A Float32Array of length n with arbitrary contents (the caller overwrites all of it). */
  take(n: number): Float32Array {
    if (n < POOL_MIN_FLOATS) return new Float32Array(n);
    const reused = this.free.get(n)?.pop();
    if (reused !== undefined) this.bytes -= reused.byteLength;
    const array = reused ?? new Float32Array(n);
    this.owned.set(array.buffer, { array, tensors: 0 });
    return array;
  }

  /** A tensor now stores `values` (counts the tensors on an owned buffer). */
  stored(values: unknown): void {
    const o = values instanceof Float32Array ? this.owned.get(values.buffer) : undefined;
    if (o !== undefined) o.tensors++;
  }

  /** `values` left the backend's control (read by the user): never reused. */
  escaped(values: unknown): void {
    if (values instanceof Float32Array) this.owned.delete(values.buffer);
  }

  /** A tensor storing `values` was deleted: the buffer is reused once no tensor stores it. */
  released(values: unknown): void {
    if (!(values instanceof Float32Array)) return;
    const o = this.owned.get(values.buffer);
    if (o === undefined || --o.tensors > 0) return;
    this.owned.delete(values.buffer);
    if (this.bytes + o.array.byteLength > POOL_MAX_BYTES) return;
    const list = this.free.get(o.array.length);
    if (list === undefined) this.free.set(o.array.length, [o.array]);
    else list.push(o.array);
    this.bytes += o.array.byteLength;
  }

  /** Bytes waiting in the free lists. */
  pooledBytes(): number {
    return this.bytes;
  }

  /** Drops every free buffer. */
  clear(): void {
    this.free.clear();
    this.bytes = 0;
  }
}
