/**
 * Shared types of the nn/train modules.
 *
 * TEMPORARY: `Matrix` mirrors lib/matrix.ts of the GEMM work and `Param` the
 * optimizer's type; both are structural, and become re-exports once those
 * branches are merged.
 * @packageDocumentation
 */

/** A dense row-major float32 matrix: element (i, j) is `data[i * cols + j]`. */
export interface Matrix {
  /** Number of rows. */
  readonly rows: number;
  /** Number of columns. */
  readonly cols: number;
  /** The `rows * cols` elements, row after row. */
  readonly data: Float32Array;
}

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

/** Checks a Matrix argument. @internal */
export function checkMatrix(x: unknown, name: string): asserts x is Matrix {
  if (typeof x !== 'object' || x === null) throw new TypeError(`'${name}' must be a Matrix {rows, cols, data} (got ${x === null ? 'null' : typeof x})`);
  const m = x as Matrix;
  if (!(m.data instanceof Float32Array)) throw new TypeError(`'${name}.data' must be a Float32Array`);
  for (const k of ['rows', 'cols'] as const) {
    if (!Number.isSafeInteger(m[k]) || m[k] < 0) throw new RangeError(`'${name}.${k}' must be a non-negative integer (got ${m[k]})`);
  }
  if (m.data.length !== m.rows * m.cols) throw new RangeError(`'${name}.data' must have rows * cols = ${m.rows * m.cols} elements (got ${m.data.length})`);
}
