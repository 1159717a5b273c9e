/**
 * GatherV2 (batchDims 0): whole slices copied with TypedArray.set (memcpy)
 * instead of tfjs's element-by-element index arithmetic. tfjs-layers' fit
 * gathers every batch out of the shuffled data set with it. float32 outputs
 * reuse the backend's pooled buffers.
 */
import { backend_util, GatherV2, getKernel, util, type GatherV2Attrs, type GatherV2Inputs, type KernelConfig, type KernelFunc, type TensorInfo, type TypedArray } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { alloc, BACKEND_NAME } from '../backend';

export function gatherV2(args: { inputs: GatherV2Inputs; backend: MathBackendCPU; attrs: GatherV2Attrs }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs.x!, indices = inputs.indices!;
  const xValues = backend.data.get(x.dataId).values;
  if ((attrs.batchDims ?? 0) !== 0 || !ArrayBuffer.isView(xValues) || x.dtype === 'complex64' || x.dtype === 'string') {
    return getKernel(GatherV2, 'cpu')!.kernelFunc(args as never) as TensorInfo;
  }
  const axis = util.parseAxisParam(attrs.axis, x.shape)[0];
  const idx = backend.data.get(indices.dataId).values as TypedArray;
  const dim = x.shape[axis];
  for (let i = 0; i < idx.length; ++i) {
    const index = idx[i];
    if (!(index <= dim - 1 && index >= 0)) util.assert(false, () => `GatherV2: the index value ${index} is not in [0, ${dim - 1}]`);
  }
  const info = backend_util.segment_util.collectGatherOpShapeInfo(x as never, indices as never, axis, 0);
  const src = xValues as TypedArray;
  const size = util.sizeFromShape(info.outputShape);
  // float32 outputs (every element written below) come from the backend's buffer pool.
  const out = (x.dtype === 'float32' ? alloc(backend, size) : util.getTypedArrayFromDType(x.dtype as 'float32', size)) as TypedArray;
  const slice = info.sliceSize, count = idx.length;
  for (let o = 0; o < info.outerSize; o++) {
    for (let i = 0; i < count; i++) {
      const from = (o * dim + idx[i]) * slice, to = (o * count + i) * slice;
      // Short slices (one-hot labels): a loop beats creating a view per slice.
      if (slice < 64) for (let j = 0; j < slice; j++) out[to + j] = src[from + j];
      else out.set(src.subarray(from, from + slice), to);
    }
  }
  return backend.makeTensorInfo(info.outputShape, x.dtype, out);
}

export const gatherV2Config: KernelConfig = {
  kernelName: GatherV2,
  backendName: BACKEND_NAME,
  kernelFunc: gatherV2 as unknown as KernelFunc,
};
