/**
 * Shared types of the nn/train modules. `Matrix` is lib/matrix.ts's;
 * `Param` mirrors the optimizers' type (structural, so the two agree).
 * @packageDocumentation
 */

import type { Matrix } from '../matrix';
export type { Matrix };

/** A trainable tensor and its gradient (same length), as optimizers take it. */
export interface Param {
  /** The values (updated in place by an optimizer). */
  data: Float32Array;
  /** dLoss/d(data), written by `backward` / `fit`. */
  grad: Float32Array;
  /** A name such as `0.weight` (the PyTorch state-dict key). */
  name?: string;
}

/** Rows of integer ids: the input of a model whose input feeds Embedding layers. */
export interface IdMatrix {
  rows: number;
  cols: number;
  /** rows * cols ids, row-major. */
  data: Int32Array;
}

/** What a model reads: a float Matrix, or an IdMatrix for Embedding models. */
export type ModelInput = Matrix | IdMatrix;

/**
 * Checks an IdMatrix argument: TypeError naming it for a wrong type,
 * RangeError naming the first id outside [0, limit). @internal
 */
export function checkIdMatrix(x: unknown, name: string, limit: number): asserts x is IdMatrix {
  if (typeof x !== 'object' || x === null) throw new TypeError(`'${name}' must be {rows, cols, data: Int32Array} of ids (got ${x === null ? 'null' : typeof x})`);
  const m = x as IdMatrix;
  if (!(m.data instanceof Int32Array)) {
    throw new TypeError(`'${name}.data' must be an Int32Array of ids in [0, ${limit}) (the model's input feeds an Embedding) (got ${describe(m.data)})`);
  }
  for (const k of ['rows', 'cols'] as const) {
    const v = m[k];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new RangeError(`'${name}.${k}' must be a non-negative integer (got ${String(v)})`);
  }
  if (m.data.length !== m.rows * m.cols) throw new RangeError(`'${name}.data' must have rows * cols = ${m.rows * m.cols} elements (got ${m.data.length})`);
  const d = m.data;
  for (let i = 0; i < d.length; i++) {
    if (d[i] < 0 || d[i] >= limit) throw new RangeError(`'${name}.data[${i}]' = ${d[i]} is not an id in [0, ${limit})`);
  }
}

function describe(v: unknown): string {
  return v === null ? 'null' : typeof v === 'object' ? (v as object).constructor?.name ?? 'object' : typeof v;
}

/** Class labels (one per row), integers in `[0, classes)`. */
export type Labels = Uint8Array | Int32Array;

/** Checks a Matrix argument (TypeError/RangeError naming it). @internal */
export { assertMatrix as checkMatrix } from '../matrix';
