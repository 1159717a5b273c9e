/**
 * The `'simdtrain'` tfjs backend: tfjs's own CPU backend (same tensor
 * storage, so every cpu kernel runs on it unchanged) under its own name, so
 * that the kernels registered for it can be native ones; the outputs of the
 * native kernels come from a buffer pool (./pool.ts).
 * @packageDocumentation
 */
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { BackendValues, DataId, DataType, TensorInfo } from '@tensorflow/tfjs-core';
import { BufferPool } from './pool';

/** Name under which the backend and its kernels are registered. */
export const BACKEND_NAME = 'simdtrain';

/** Above tfjs's cpu (1), webgl/wasm (2) and tfjs-node (3): unchanged tfjs code picks it. */
export const BACKEND_PRIORITY = 4;

/** tfjs's CPU backend under the name `'simdtrain'`. */
export class SimdtrainBackend extends MathBackendCPU {
  /** Reused output buffers of the native kernels. */
  readonly pool = new BufferPool();

  constructor() {
    super();
    // tfjs's cpu backend advises installing tfjs-node on first write in Node; not needed here.
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }

  override write(values: BackendValues, shape: number[], dtype: DataType): DataId {
    this.pool.stored(values);
    return super.write(values, shape, dtype);
  }

  override move(dataId: DataId, values: BackendValues, shape: number[], dtype: DataType, refCount: number): void {
    this.pool.stored(values);
    super.move(dataId, values, shape, dtype, refCount);
  }

  // What the user reads is theirs to keep: never reused.
  override readSync(dataId: DataId): BackendValues {
    this.pool.escaped(this.data.get(dataId)?.values);
    return super.readSync(dataId);
  }

  override disposeData(dataId: DataId, force = false): boolean {
    const values = this.data.has(dataId) ? this.data.get(dataId).values : undefined;
    const deleted = super.disposeData(dataId, force);
    if (values !== undefined && !this.data.has(dataId)) this.pool.released(values);
    return deleted;
  }

  override dispose(): void {
    this.pool.clear();
    super.dispose();
  }
}

/** The Float32Array behind a float32 tensor, or null when it is not one. */
export function f32(backend: MathBackendCPU, t: TensorInfo): Float32Array | null {
  if (t.dtype !== 'float32') return null;
  const values = backend.data.get(t.dataId).values;
  return values instanceof Float32Array ? values : null;
}

/**
 * A Float32Array of n floats for a kernel output that the kernel overwrites
 * completely (contents arbitrary: reused from the pool on the simdtrain backend).
 */
export function alloc(backend: MathBackendCPU, n: number): Float32Array {
  return backend instanceof SimdtrainBackend ? backend.pool.take(n) : new Float32Array(n);
}

/** A new float32 tensor of `shape` over `values` (owned by the backend from now on). */
export function output(backend: MathBackendCPU, shape: number[], values: Float32Array): TensorInfo {
  return backend.makeTensorInfo(shape, 'float32', values);
}

/** How many tensors share the storage of `dataId` (in-place writes need 1). */
export function refCount(backend: MathBackendCPU, dataId: DataId): number {
  return backend.refCount(dataId);
}
