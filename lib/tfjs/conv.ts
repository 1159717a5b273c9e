/**
 * tfjs convolution and pooling geometry (backend_util.Conv2DInfo) as the
 * native NHWC layer kernels take it (native/src/kernels/conv). The kernels
 * are used when the addon has them and the geometry maps exactly (NHWC,
 * non-negative padding, the same output size); otherwise tfjs's cpu kernel runs.
 * @packageDocumentation
 */
import type { backend_util } from '@tensorflow/tfjs-core';
import { native } from '../native';

export interface ConvShape {
  batch: number; inH: number; inW: number; inC: number; outC: number; kh: number; kw: number;
  strideH: number; strideW: number; padTop: number; padBottom: number; padLeft: number; padRight: number;
  dilH: number; dilW: number; groups: number;
}

export interface PoolShape {
  batch: number; inH: number; inW: number; c: number; kh: number; kw: number;
  strideH: number; strideW: number; padTop: number; padBottom: number; padLeft: number; padRight: number;
}

/** The layer-kernel exports of the addon (conv_binding.cc). */
interface ConvAddon {
  conv2dForward(shape: ConvShape, x: Float32Array, w: Float32Array, bias: Float32Array | null, relu: boolean, y: Float32Array): void;
  conv2dBackwardInput(shape: ConvShape, w: Float32Array, dy: Float32Array, dx: Float32Array): void;
  conv2dBackwardFilter(shape: ConvShape, x: Float32Array, dy: Float32Array, dw: Float32Array, db: Float32Array | null, accumulate: boolean): void;
  maxPool2dForward(shape: PoolShape, x: Float32Array, y: Float32Array): void;
  maxPool2dBackward(shape: PoolShape, x: Float32Array, dy: Float32Array, dx: Float32Array): void;
  avgPool2dForward(shape: PoolShape, x: Float32Array, y: Float32Array, countIncludePad: boolean): void;
  avgPool2dBackward(shape: PoolShape, dy: Float32Array, dx: Float32Array, countIncludePad: boolean): void;
}

export const convAddon = native as unknown as ConvAddon;

/** Whether this build of the addon has the native convolution and pooling kernels. */
export const HAS_CONV = typeof (native as unknown as Partial<ConvAddon>).conv2dForward === 'function';

function padsOk(info: backend_util.Conv2DInfo): boolean {
  const p = info.padInfo;
  return info.dataFormat === 'channelsLast' && p.top >= 0 && p.bottom >= 0 && p.left >= 0 && p.right >= 0 &&
    info.batchSize > 0 && info.outHeight > 0 && info.outWidth > 0 && info.inChannels > 0 && info.outChannels > 0;
}

/** Native convolution shape (groups = in channels for depthwise), or null. */
export function convShape(info: backend_util.Conv2DInfo, depthwise: boolean): ConvShape | null {
  if (!padsOk(info)) return null;
  const p = info.padInfo;
  const s: ConvShape = {
    batch: info.batchSize, inH: info.inHeight, inW: info.inWidth, inC: info.inChannels, outC: info.outChannels,
    kh: info.filterHeight, kw: info.filterWidth, strideH: info.strideHeight, strideW: info.strideWidth,
    padTop: p.top, padBottom: p.bottom, padLeft: p.left, padRight: p.right,
    dilH: info.dilationHeight, dilW: info.dilationWidth, groups: depthwise ? info.inChannels : 1,
  };
  const outH = Math.floor((s.inH + s.padTop + s.padBottom - s.dilH * (s.kh - 1) - 1) / s.strideH) + 1;
  const outW = Math.floor((s.inW + s.padLeft + s.padRight - s.dilW * (s.kw - 1) - 1) / s.strideW) + 1;
  return outH === info.outHeight && outW === info.outWidth ? s : null;
}

/** Native pooling shape, or null (also when a window could see only padding). */
export function poolShape(info: backend_util.Conv2DInfo): PoolShape | null {
  if (!padsOk(info) || info.dilationHeight !== 1 || info.dilationWidth !== 1) return null;
  const p = info.padInfo;
  const s: PoolShape = {
    batch: info.batchSize, inH: info.inHeight, inW: info.inWidth, c: info.inChannels, kh: info.filterHeight, kw: info.filterWidth,
    strideH: info.strideHeight, strideW: info.strideWidth, padTop: p.top, padBottom: p.bottom, padLeft: p.left, padRight: p.right,
  };
  if (Math.max(s.padTop, s.padBottom) >= s.kh || Math.max(s.padLeft, s.padRight) >= s.kw) return null;
  const outH = Math.floor((s.inH + s.padTop + s.padBottom - s.kh) / s.strideH) + 1;
  const outW = Math.floor((s.inW + s.padLeft + s.padRight - s.kw) / s.strideW) + 1;
  return outH === info.outHeight && outW === info.outWidth ? s : null;
}
