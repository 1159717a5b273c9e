/**
 * The `'simdtrain'` tfjs backend: tfjs's own CPU backend (same tensor
 * storage, so every cpu kernel runs on it unchanged) under its own name, so
 * that the kernels registered for it can be native ones.
 * @packageDocumentation
 */
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { DataId, TensorInfo } from '@tensorflow/tfjs-core';

/** Name under which the backend and its kernels are registered. */
export const BACKEND_NAME = 'simdtrain';

/** Above tfjs's cpu (1), webgl/wasm (2) and tfjs-node (3): unchanged tfjs code picks it. */
export const BACKEND_PRIORITY = 4;

/** tfjs's CPU backend under the name `'simdtrain'`. */
export class SimdtrainBackend extends MathBackendCPU {
  constructor() {
    super();
    // tfjs's cpu backend advises installing tfjs-node on first write in Node; not needed here.
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }
}

/** The Float32Array behind a float32 tensor, or null when it is not one. */
export function f32(backend: MathBackendCPU, t: TensorInfo): Float32Array | null {
  if (t.dtype !== 'float32') return null;
  const values = backend.data.get(t.dataId).values;
  return values instanceof Float32Array ? values : null;
}

/** A new float32 tensor of `shape` over `values` (owned by the backend from now on). */
export function output(backend: MathBackendCPU, shape: number[], values: Float32Array): TensorInfo {
  return backend.makeTensorInfo(shape, 'float32', values);
}

/** How many tensors share the storage of `dataId` (in-place writes need 1). */
export function refCount(backend: MathBackendCPU, dataId: DataId): number {
  return backend.refCount(dataId);
}
