/**
 * What `simdtrain bench` measures on simdtrain itself: sgemm GFLOPS, the
 * memory bandwidth an in-place streaming kernel reaches, the Adam step in
 * ns per parameter and one epoch of the 784-256-128-10 MLP on synthetic data.
 * Each function sets the thread count it is asked for.
 * @packageDocumentation
 */
import { fmaPeakGflops, setNumThreads } from '../cpu';
import { sgemm } from '../gemm';
import { matrix } from '../matrix';
import { Dense } from '../nn/layers/dense';
import { Sequential } from '../nn/sequential';
import { Adam } from '../optim';
import * as vec from '../vector';
import { bestSeconds, uniformFloats } from './timing';

/** An sgemm shape: C (m x n) = A (m x k) · B (k x n). */
export interface Shape {
  m: number;
  n: number;
  k: number;
}

export const shapeName = (s: Shape): string => (s.m === s.n && s.n === s.k ? `${s.m}²` : `${s.m}x${s.n}x${s.k}`);

/** GFLOPS of C = A·B (row-major, no transposes) on `threads` threads. */
export function gemmGflops(s: Shape, threads: number, minSeconds: number): number {
  setNumThreads(threads);
  const a = uniformFloats(s.m * s.k, 1), b = uniformFloats(s.k * s.n, 2), c = new Float32Array(s.m * s.n);
  const seconds = bestSeconds(() => sgemm(false, false, s.m, s.n, s.k, 1, a, s.k, b, s.n, 0, c, s.n), minSeconds, 30);
  return (2 * s.m * s.n * s.k) / seconds / 1e9;
}

/** fp32 FMA peak GFLOPS of the active ISA on `threads` threads (the ceiling for sgemm). */
export function fmaPeak(threads: number, minSeconds: number): number {
  setNumThreads(threads);
  return fmaPeakGflops({ threads, seconds: Math.min(2, Math.max(0.05, minSeconds)) });
}

/** GB/s of y += a·x over n floats (12 bytes per element: two reads, one write). */
export function axpyGbps(n: number, threads: number, minSeconds: number): number {
  setNumThreads(threads);
  const x = new Float32Array(n).fill(1e-3), y = new Float32Array(n);
  return (12 * n) / bestSeconds(() => vec.axpy(0.5, x, y), minSeconds, 20) / 1e9;
}

/** Nanoseconds per parameter of one Adam step on one tensor of n floats. */
export function adamNsPerParam(n: number, threads: number, minSeconds: number): number {
  setNumThreads(threads);
  const param = { data: new Float32Array(n).fill(1), grad: new Float32Array(n).fill(1e-3), name: 'w' };
  const opt = new Adam([param], { lr: 1e-3 });
  return (bestSeconds(() => opt.step(), minSeconds, 10) / n) * 1e9;
}

/** Seconds of the fastest of `epochs` epochs of the MLP (Adam lr 1e-3) on `rows` synthetic MNIST-sized samples. */
export async function epochSeconds(rows: number, batch: number, threads: number, epochs: number): Promise<number> {
  setNumThreads(threads);
  const x = matrix(rows, 784, uniformFloats(rows * 784, 3, 0, 1));
  const labels = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) labels[i] = (i * 7919) % 10;
  const model = new Sequential(
    [new Dense(784, 256, { activation: 'relu' }), new Dense(256, 128, { activation: 'relu' }), new Dense(128, 10)],
    { seed: 1 },
  );
  const history = await model.fit(x, labels, { optimizer: new Adam(model.parameters(), { lr: 1e-3 }), epochs, batchSize: batch, seed: 1 });
  return Math.min(...history.seconds);
}
