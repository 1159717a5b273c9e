/**
 * Loads the compiled addon and declares the shape of what it exports.
 *
 * The addon is found by node-gyp-build: first a prebuilt binary in
 * `prebuilds/<platform>-<arch>/` (N-API, so one binary serves every Node
 * version), then `build/Release/simdtrain.node` from a local compile
 * (`SIMDTRAIN_ADDON=/path/to/simdtrain.node` overrides both). Nothing
 * else lives here: the typed public API is in the modules that import this.
 * @packageDocumentation
 */
import * as path from 'node:path';

/** Functions of the native addon. Every one validates its arguments in C++. */
export interface NativeAddon {
  // cpu_binding.cc
  cpuInfo(): { arch: string; isa: string; best: string; supported: string[]; threads: number; bf16: object };
  setIsa(isa: string): void;
  setBf16(path: string): void;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  // probe_binding.cc
  fmaPeak(threads: number, seconds: number): number;
  // vector_binding.cc
  fill(out: Float32Array, value: number): void;
  scale(x: Float32Array, alpha: number): void;
  axpy(alpha: number, x: Float32Array, y: Float32Array): void;
  dot(x: Float32Array, y: Float32Array): number;
  sum(x: Float32Array): number;
  sumOfSquares(x: Float32Array): number;
  // ---- rng_binding.cc (issue #4: counter-based RNG) ----
  // seed, offset: integers in [0, 2^53); out[i] takes stream element offset + i.
  rngUniform(out: Float32Array, low: number, high: number, seed: number, offset: number): void;
  rngNormal(out: Float32Array, mean: number, std: number, seed: number, offset: number): void;
  rngTruncatedNormal(out: Float32Array, mean: number, std: number, low: number, high: number, seed: number, offset: number): void;
  // ---- end rng ----
  // ---- gemm_binding.cc (GEMM; owner: issue #5) ----
  sgemm(
    transA: boolean | string, transB: boolean | string, M: number, N: number, K: number, alpha: number,
    A: Float32Array, lda: number, B: Float32Array, ldb: number, beta: number, C: Float32Array, ldc: number,
    options?: { bias?: Float32Array; activation?: string; precision?: string },
  ): void;
  sgemmAsync(
    transA: boolean | string, transB: boolean | string, M: number, N: number, K: number, alpha: number,
    A: Float32Array, lda: number, B: Float32Array, ldb: number, beta: number, C: Float32Array, ldc: number,
    options?: { bias?: Float32Array; activation?: string; precision?: string },
  ): Promise<void>;
  // ---- end gemm ----
  // ---- nn / train (nn_binding.cc, train_binding.cc) -------------------------
  nnBiasAct(x: Float32Array, rows: number, cols: number, bias: Float32Array | null, y: Float32Array, act: number, alpha: number): void;
  nnActBackward(x: Float32Array | null, y: Float32Array, dy: Float32Array, dx: Float32Array, rows: number, cols: number, act: number, alpha: number): void;
  nnColSums(x: Float32Array, rows: number, cols: number, out: Float32Array, accumulate: boolean): void;
  nnAllFinite(x: Float32Array): boolean;
  nnLoss(loss: number, output: Float32Array, rows: number, cols: number, labels: Int32Array | null, targets: Float32Array | null, scale: number, grad: Float32Array | null): [number, number];
  NnPlan: new (graph: NativeGraph, params: Float32Array, grads: Float32Array, buffers: Float32Array, capacity: number) => NativeNnPlan;
  // ---- end nn / train ---------------------------------------------------------
  // ---- elementwise_binding.cc (tfjs backend) ----
  // op: BinaryOp (add, sub, mul, div, rsub, rdiv); mode 0: b[col], 1: b[row].
  ewBinary(op: number, mode: number, rows: number, cols: number, a: Float32Array, b: Float32Array, out: Float32Array): void;
  ewStep(x: Float32Array, alpha: number, out: Float32Array): void;
  // ---- end elementwise ----
  // ---- optim_binding.cc (issue #3) ----
  // kind: OptimKind; states: 3 per param (null = unused); scalars: 14 per param.
  optimStep(kind: number, params: Float32Array[], grads: Float32Array[], states: Array<Float32Array | Uint16Array | null>, scalars: Float64Array, skipNonFinite: boolean): boolean;
  gradNorm(grads: Float32Array[], normType: number): number;
  anyNonFinite(arrays: Float32Array[]): boolean;
  clampAll(grads: Float32Array[], lo: number, hi: number): void;
  scaleAll(grads: Float32Array[], factor: number): void;
  // ---- end optim ----
  // ---- layer kernels (conv_binding.cc, layer_binding.cc; issue #12) ----
  // NHWC activations; conv filters [kh, kw, inC / groups, outC] (see conv2d.h).
  conv2dForward(shape: NativeConv2dShape, x: Float32Array, w: Float32Array, bias: Float32Array | null, relu: boolean, y: Float32Array): void;
  conv2dBackward(shape: NativeConv2dShape, x: Float32Array, w: Float32Array, dy: Float32Array, dx: Float32Array | null, dw: Float32Array | null, db: Float32Array | null, accumulate: boolean): void;
  conv2dBackwardInput(shape: NativeConv2dShape, w: Float32Array, dy: Float32Array, dx: Float32Array): void;
  conv2dBackwardFilter(shape: NativeConv2dShape, x: Float32Array, dy: Float32Array, dw: Float32Array, db: Float32Array | null, accumulate: boolean): void;
  maxPool2dForward(shape: NativePool2dShape, x: Float32Array, y: Float32Array): void;
  maxPool2dBackward(shape: NativePool2dShape, x: Float32Array, dy: Float32Array, dx: Float32Array): void;
  avgPool2dForward(shape: NativePool2dShape, x: Float32Array, y: Float32Array, countIncludePad: boolean): void;
  avgPool2dBackward(shape: NativePool2dShape, dy: Float32Array, dx: Float32Array, countIncludePad: boolean): void;
  globalAvgPoolForward(batch: number, hw: number, c: number, x: Float32Array, y: Float32Array): void;
  globalAvgPoolBackward(batch: number, hw: number, c: number, dy: Float32Array, dx: Float32Array): void;
  batchNormForwardTrain(rows: number, c: number, x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, eps: number, momentum: number, runningMean: Float32Array | null, runningVar: Float32Array | null, saveMean: Float32Array, saveInvstd: Float32Array, y: Float32Array): void;
  batchNormForwardEval(rows: number, c: number, x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, runningMean: Float32Array, runningVar: Float32Array, eps: number, y: Float32Array): void;
  batchNormBackward(rows: number, c: number, x: Float32Array, dy: Float32Array, gamma: Float32Array | null, saveMean: Float32Array, saveInvstd: Float32Array, dx: Float32Array | null, dgamma: Float32Array | null, dbeta: Float32Array | null, accumulate: boolean): void;
  layerNormForward(rows: number, d: number, x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, eps: number, saveMean: Float32Array | null, saveRstd: Float32Array | null, y: Float32Array): void;
  layerNormBackward(rows: number, d: number, x: Float32Array, dy: Float32Array, gamma: Float32Array | null, saveMean: Float32Array, saveRstd: Float32Array, dx: Float32Array | null, dgamma: Float32Array | null, dbeta: Float32Array | null, accumulate: boolean): void;
  dropoutForward(x: Float32Array, p: number, seed: number, offset: number, y: Float32Array): void;
  dropoutBackward(dy: Float32Array, p: number, seed: number, offset: number, dx: Float32Array): void;
  embeddingForward(indices: Int32Array, vocab: number, dim: number, table: Float32Array, out: Float32Array): void;
  embeddingBackward(indices: Int32Array, vocab: number, dim: number, dy: Float32Array, dtable: Float32Array): void;
  // ---- end layer kernels ----
}

/** A convolution's sizes for the layer kernels (conv2d.h); omitted fields: stride/dilation/groups 1, padding 0. */
export interface NativeConv2dShape {
  batch: number; inH: number; inW: number; inC: number; outC: number; kh: number; kw: number;
  strideH?: number; strideW?: number; padTop?: number; padBottom?: number; padLeft?: number; padRight?: number;
  dilH?: number; dilW?: number; groups?: number;
}

/** A pooling window for the layer kernels (pool2d.h); stride defaults to the window, padding to 0. */
export interface NativePool2dShape {
  batch: number; inH: number; inW: number; c: number; kh: number; kw: number;
  strideH?: number; strideW?: number; padTop?: number; padBottom?: number; padLeft?: number; padRight?: number;
}

/**
 * The op list the native plan runs (train_binding.cc, kernels/graph):
 * slot shapes [h, w, c] (slot 0 = input), ops in order (codes in
 * native_codes.ts OP_CODES, numeric attributes by name).
 */
export interface NativeGraph {
  slots: [number, number, number][];
  ops: { op: number; name?: string; inputs: number[]; output: number; attrs: Record<string, number> }[];
  seed: number;
  inputNchw?: boolean;
  outputNchw?: boolean;
}

/**
 * The native training plan: `[lossSum, correct]` results; `index` selects
 * rows of `x` (a shuffled epoch) or is null for rows start..start+rows.
 */
export interface NativeNnPlan {
  reserve(rows: number): void;
  forward(x: Float32Array | Int32Array, rows: number, out: Float32Array): void;
  backward(dOutput: Float32Array, rows: number, accumulate: boolean): void;
  /** gradHook: made by simdtrain/distributed's MPI addon (makeGradHook), told on the worker thread as gradients become final. */
  trainStep(x: Float32Array | Int32Array, index: Int32Array | null, start: number, rows: number, labels: Int32Array | null, targets: Float32Array | null, loss: number, scale: number, accumulate: boolean, labelSmoothing?: number, gradHook?: object, precision?: number): Promise<[number, number]>;
  evaluate(x: Float32Array | Int32Array, index: Int32Array | null, start: number, rows: number, labels: Int32Array | null, targets: Float32Array | null, loss: number, predictions: Float32Array | null, async: true, labelSmoothing?: number): Promise<[number, number]>;
  evaluate(x: Float32Array | Int32Array, index: Int32Array | null, start: number, rows: number, labels: Int32Array | null, targets: Float32Array | null, loss: number, predictions: Float32Array | null, async: false, labelSmoothing?: number): [number, number];
  /** Floats the plan's activations, gradients and scratch take now. */
  memoryFloats(): number;
}

const packageRoot = path.join(__dirname, '..');

function loadAddon(): NativeAddon {
  // For sanitizer runs and debugging: load this exact binary instead.
  const override = process.env.SIMDTRAIN_ADDON;
  if (override) return require(path.resolve(override)) as NativeAddon;
  let loader: (dir: string) => unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loader = require('node-gyp-build');
  } catch (error) {
    throw new Error(`simdtrain: the dependency 'node-gyp-build' is missing (${(error as Error).message}). Reinstall with 'npm install simdtrain'.`);
  }
  try {
    return loader(packageRoot) as NativeAddon;
  } catch (error) {
    const message = (error as Error).message;
    // A bad SIMDTRAIN_ISA comes from the addon itself: pass it on unchanged.
    if (message.startsWith('simdtrain:')) throw error;
    throw new Error(
      [
        `simdtrain: could not load the native addon for ${process.platform}-${process.arch} (Node ${process.version}, N-API ${process.versions.napi}).`,
        `Tried: ${path.join(packageRoot, 'prebuilds', `${process.platform}-${process.arch}`)} (prebuilt) and ${path.join(packageRoot, 'build', 'Release')} (compiled).`,
        `Cause: ${message}`,
        'Fix: run `npm rebuild simdtrain` (needs python3, make and a C++17 compiler), or install on a platform that has a prebuild (linux-x64).',
      ].join('\n'),
    );
  }
}

/** The loaded addon (loaded once, when this module is first imported). */
export const native: NativeAddon = loadAddon();
