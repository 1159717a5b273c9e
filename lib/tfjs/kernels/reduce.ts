/**
 * The reductions the native-side kernels handle: axes (as tfjs parses them,
 * strictly increasing) that are the leading or the trailing dimensions of a
 * non-empty tensor. For those, tfjs's cpu kernels sum each output's elements
 * in row-major order (after moving the reduced axes innermost), which is the
 * order the kernels here keep.
 * @packageDocumentation
 */
import { backend_util, util } from '@tensorflow/tfjs-core';

export interface Reduction {
  /** The reduced axes are the leading ones (else the trailing ones). */
  leading: boolean;
  outSize: number;
  reduceSize: number;
  /** Output shape (keepDims applied). */
  shape: number[];
}

/** The reduction of `shape` over `axis`, or null when it is not a leading/trailing block. */
export function reduceAxes(shape: number[], axis: number | number[], keepDims: boolean): Reduction | null {
  const axes = util.parseAxisParam(axis, shape);
  const rank = shape.length;
  if (axes.length === 0 || util.sizeFromShape(shape) === 0) return null;
  for (let i = 1; i < axes.length; i++) if (axes[i] <= axes[i - 1]) return null;
  const leading = axes.every((a, i) => a === i);
  const trailing = axes.every((a, i) => a === rank - axes.length + i);
  if (!leading && !trailing) return null;
  const [outShape, reduceShape] = backend_util.computeOutAndReduceShapes(shape, axes);
  return {
    leading: leading && !trailing,
    outSize: util.sizeFromShape(outShape),
    reduceSize: util.sizeFromShape(reduceShape),
    shape: keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape,
  };
}
