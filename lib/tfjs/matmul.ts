/**
 * Batched matrix product on tfjs tensors with simdtrain's SGEMM, shared by
 * the BatchMatMul and _FusedMatMul kernels. Batch dimensions broadcast the
 * way tfjs's cpu kernel does (batch i uses a[i % batchA], b[i % batchB]).
 * @packageDocumentation
 */
import { broadcast_util, util, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { sgemm, type GemmEpilogue } from '../gemm';
import { alloc, f32, output } from './backend';

/** The product's sizes, or null when an input is not a float32 tensor. */
export interface MatMulPlan {
  a: Float32Array;
  b: Float32Array;
  m: number;
  n: number;
  k: number;
  batchA: number;
  batchB: number;
  batch: number;
  outShape: number[];
}

/** Checks shapes as tfjs does (same error text) and plans the product. */
export function planMatMul(backend: MathBackendCPU, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): MatMulPlan | null {
  const ra = a.shape.length, rb = b.shape.length;
  const innerA = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const innerB = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  const outer = broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  util.assert(innerA === innerB, () => `Error in matMul: inner shapes (${innerA}) and (${innerB}) of Tensors with shapes ` +
    `${a.shape} and ${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`);
  const av = f32(backend, a), bv = f32(backend, b);
  if (av === null || bv === null) return null;
  const batchA = util.sizeFromShape(a.shape.slice(0, -2)), batchB = util.sizeFromShape(b.shape.slice(0, -2));
  return { a: av, b: bv, m, n, k: innerA, batchA, batchB, batch: Math.max(batchA, batchB), outShape: [...outer, m, n] };
}

/** out = act(op(a)·op(b) + bias) for every batch; returns the new tensor. */
export function runMatMul(backend: MathBackendCPU, p: MatMulPlan, transposeA: boolean, transposeB: boolean, epilogue?: GemmEpilogue): TensorInfo {
  const { m, n, k } = p;
  // K = 0 writes zeros through the GEMM's beta = 0 path too; a fresh array keeps that case trivially right.
  const out = k === 0 ? new Float32Array(p.batch * m * n) : alloc(backend, p.batch * m * n);
  if (out.length > 0) {
    const lda = Math.max(1, transposeA ? m : k), ldb = Math.max(1, transposeB ? k : n);
    for (let i = 0; i < p.batch; i++) {
      const a = p.a.subarray((i % p.batchA) * m * k, ((i % p.batchA) + 1) * m * k);
      const b = p.b.subarray((i % p.batchB) * k * n, ((i % p.batchB) + 1) * k * n);
      sgemm(transposeA, transposeB, m, n, k, 1, a, lda, b, ldb, 0, out.subarray(i * m * n, (i + 1) * m * n), n, epilogue);
    }
  }
  return output(backend, p.outShape, out);
}
