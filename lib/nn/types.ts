/**
 * Shared types of the nn/train modules. `Matrix` is lib/matrix.ts's;
 * `Param` mirrors the optimizers' type (structural, so the two agree).
 * @packageDocumentation
 */

export type { Matrix } from '../matrix';

/** A trainable tensor and its gradient (same length), as optimizers take it. */
export interface Param {
  /** The values (updated in place by an optimizer). */
  data: Float32Array;
  /** dLoss/d(data), written by `backward` / `fit`. */
  grad: Float32Array;
  /** A name such as `0.weight` (the PyTorch state-dict key). */
  name?: string;
}

/** Class labels (one per row), integers in `[0, classes)`. */
export type Labels = Uint8Array | Int32Array;

/** Checks a Matrix argument (TypeError/RangeError naming it). @internal */
export { assertMatrix as checkMatrix } from '../matrix';
