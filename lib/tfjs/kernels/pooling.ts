/**
 * Shared body of the native pooling kernels (MaxPool, AvgPool and their
 * gradients): tfjs's pool geometry mapped to the native NHWC kernels; tfjs's
 * forward average counts in-bounds positions only (countIncludePad false).
 * @packageDocumentation
 */
import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { native } from '../../native';
import { alloc, f32, output } from '../backend';
import { convAddon, poolShape, type PoolShape } from '../conv';
import { cpuKernel } from './convolution';

type Args = { inputs: Record<string, TensorInfo | undefined>; backend: MathBackendCPU; attrs: Record<string, unknown> };

function info(xShape: number[], attrs: Record<string, unknown>): backend_util.Conv2DInfo {
  return backend_util.computePool2DInfo(xShape as never, attrs.filterSize as never, attrs.strides as never, 1,
    attrs.pad as never, attrs.dimRoundingMode as never);
}

// tfjs's max pooling skips NaN (the native kernel lets NaN win, as PyTorch):
// inputs with a NaN (or an infinity: one check) take tfjs's cpu kernel.
const usable = (name: string, x: Float32Array | null): x is Float32Array =>
  x !== null && (!name.startsWith('MaxPool') || native.nnAllFinite(x));

/** Forward pooling of inputs.x. */
export function poolForward(name: string, args: Args, run: (s: PoolShape, x: Float32Array, y: Float32Array) => void): TensorInfo {
  const xInfo = args.inputs.x!;
  const x = f32(args.backend, xInfo);
  const i = info(xInfo.shape, args.attrs);
  const s = poolShape(i);
  if (!usable(name, x) || s === null) return cpuKernel(name, args);
  const y = alloc(args.backend, i.batchSize * i.outHeight * i.outWidth * i.outChannels);
  run(s, x, y);
  return output(args.backend, [i.batchSize, i.outHeight, i.outWidth, i.outChannels], y);
}

/** Gradient of pooling: dx shaped like inputs.input. */
export function poolBackward(name: string, args: Args, run: (s: PoolShape, x: Float32Array, dy: Float32Array, dx: Float32Array) => void): TensorInfo {
  const input = args.inputs.input!;
  const x = f32(args.backend, input), dy = f32(args.backend, args.inputs.dy!);
  const i = info(input.shape, args.attrs);
  const s = poolShape(i);
  if (!usable(name, x) || dy === null || s === null || dy.length !== i.batchSize * i.outHeight * i.outWidth * i.outChannels) {
    return cpuKernel(name, args);
  }
  const dx = alloc(args.backend, x.length);
  run(s, x, dy, dx);
  return output(args.backend, input.shape.slice(), dx);
}

export const maxPool = (s: PoolShape, x: Float32Array, y: Float32Array) => convAddon.maxPool2dForward(s, x, y);
export const maxPoolGrad = (s: PoolShape, x: Float32Array, dy: Float32Array, dx: Float32Array) => convAddon.maxPool2dBackward(s, x, dy, dx);
export const avgPool = (s: PoolShape, x: Float32Array, y: Float32Array) => convAddon.avgPool2dForward(s, x, y, false);
// tfjs's AvgPoolGrad divides by the whole window even where its forward pass
// averaged fewer in-bounds values ('same' padding): kept, as tfjs's cpu kernel.
export const avgPoolGrad = (s: PoolShape, _x: Float32Array, dy: Float32Array, dx: Float32Array) => convAddon.avgPool2dBackward(s, dy, dx, true);
