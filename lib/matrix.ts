/**
 * A minimal dense 2-D float32 matrix: row-major, rows packed back to back
 * (element (i, j) is `data[i * cols + j]`). The one matrix type shared by
 * GEMM, the layers and the trainer.
 * @packageDocumentation
 */

/** A dense row-major float32 matrix. `data.length` must equal `rows * cols`. */
export interface Matrix {
  /** Number of rows (a non-negative integer). */
  readonly rows: number;
  /** Number of columns (a non-negative integer). */
  readonly cols: number;
  /** The `rows * cols` elements, row after row (may be a `subarray` view). */
  readonly data: Float32Array;
}

function checkDim(value: unknown, name: string): number {
  if (typeof value !== 'number') throw new TypeError(`'${name}' must be a number (got ${typeof value})`);
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`'${name}' must be a non-negative integer (got ${value})`);
  return value;
}

/**
 * Creates a matrix. Without `data`, allocates zeros; with `data`, wraps it
 * (no copy) after checking its length.
 *
 * @throws TypeError when `data` is not a Float32Array; RangeError when a size
 * is not a non-negative integer or `data.length !== rows * cols`.
 * @example
 * ```ts
 * const w = matrix(2, 3, new Float32Array([1, 2, 3, 4, 5, 6]));
 * ```
 */
export function matrix(rows: number, cols: number, data?: Float32Array): Matrix {
  checkDim(rows, 'rows');
  checkDim(cols, 'cols');
  const size = rows * cols;
  if (!Number.isSafeInteger(size)) throw new RangeError(`'rows' * 'cols' is too large (${rows} x ${cols})`);
  if (data === undefined) return { rows, cols, data: new Float32Array(size) };
  if (!(data instanceof Float32Array)) throw new TypeError(`'data' must be a Float32Array`);
  if (data.length !== size) {
    throw new RangeError(`'data' must have rows * cols = ${size} elements (got ${data.length})`);
  }
  return { rows, cols, data };
}

/** True when `x` has the shape of a {@link Matrix} with a consistent length. */
export function isMatrix(x: unknown): x is Matrix {
  if (typeof x !== 'object' || x === null) return false;
  const m = x as Matrix;
  return (
    Number.isSafeInteger(m.rows) && m.rows >= 0 && Number.isSafeInteger(m.cols) && m.cols >= 0 &&
    m.data instanceof Float32Array && m.data.length === m.rows * m.cols
  );
}

/**
 * Checks that `x` is a valid {@link Matrix}; `name` is used in the message.
 *
 * @throws TypeError when `x` is not a matrix-shaped object; RangeError when
 * its sizes are bad or `data.length !== rows * cols`.
 */
export function assertMatrix(x: unknown, name: string): asserts x is Matrix {
  if (typeof x !== 'object' || x === null) throw new TypeError(`'${name}' must be a Matrix {rows, cols, data} (got ${x === null ? 'null' : typeof x})`);
  const m = x as Matrix;
  if (!(m.data instanceof Float32Array)) throw new TypeError(`'${name}.data' must be a Float32Array`);
  checkDim(m.rows, `${name}.rows`);
  checkDim(m.cols, `${name}.cols`);
  if (m.data.length !== m.rows * m.cols) {
    throw new RangeError(`'${name}.data' must have rows * cols = ${m.rows * m.cols} elements (got ${m.data.length})`);
  }
}

/** Element (i, j) of `m` (no bounds check beyond the typed array's own). */
export function at(m: Matrix, i: number, j: number): number {
  return m.data[i * m.cols + j];
}
