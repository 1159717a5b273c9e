/**
 * Shared bodies of the native convolution kernels: forward (plain, fused,
 * depthwise) and the two gradients, each falling back to tfjs's cpu kernel
 * when the geometry or dtype does not map (see ../conv.ts).
 * @packageDocumentation
 */
import { backend_util, getKernel, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { applyActivation } from '../activation';
import { alloc, f32, output } from '../backend';
import { convAddon, convShape } from '../conv';

type Args = { inputs: Record<string, TensorInfo | undefined>; backend: MathBackendCPU; attrs: Record<string, unknown> };

export const cpuKernel = (name: string, args: Args): TensorInfo => getKernel(name, 'cpu')!.kernelFunc(args as never) as TensorInfo;

// tfjs's cpu gradient kernels accept a dy whose size disagrees with the
// geometry (conv2dTranspose with an inconsistent outputShape): tfjs's kernel then.
const outSize = (info: backend_util.Conv2DInfo): number => info.batchSize * info.outHeight * info.outWidth * info.outChannels;

function outShape(info: backend_util.Conv2DInfo): number[] {
  return [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
}

/** y = act(conv(x, filter) + bias); `fused` carries FusedConv2D's bias and activation. */
export function convForward(name: string, args: Args, info: backend_util.Conv2DInfo, depthwise: boolean): TensorInfo {
  const { backend, attrs } = args;
  const x = f32(backend, args.inputs.x!), w = f32(backend, args.inputs.filter!);
  const shape = convShape(info, depthwise);
  if (x === null || w === null || shape === null) return cpuKernel(name, args);
  const bias = args.inputs.bias;
  const biasValues = bias ? f32(backend, bias) : null;
  const rowBias = biasValues !== null && biasValues.length === info.outChannels;
  if (bias && !rowBias) return cpuKernel(name, args);
  const activation = (attrs.activation as backend_util.Activation | undefined) ?? 'linear';
  const relu = activation === 'relu';
  const y = alloc(backend, info.batchSize * info.outHeight * info.outWidth * info.outChannels);
  convAddon.conv2dForward(shape, x, w, rowBias ? biasValues : null, relu, y);
  const out = output(backend, outShape(info), y);
  if (activation === 'linear' || relu) return out;
  const activated = applyActivation(backend, out, activation, args.inputs.preluActivationWeights, attrs.leakyreluAlpha as number);
  backend.disposeIntermediateTensorInfo(out);
  return activated;
}

/**
 * The kernel function of a forward convolution: Conv2D and FusedConv2D
 * (tfjs's data format), DepthwiseConv2dNative and FusedDepthwiseConv2D
 * (channels last, as tfjs's cpu kernels compute their geometry). One body
 * for all four: the fused ones only add inputs.bias and attrs.activation.
 */
export function forwardKernel(name: string, depthwise: boolean): KernelFunc {
  const run = (args: Args): TensorInfo => {
    const x = args.inputs.x!, filter = args.inputs.filter!;
    const a = args.attrs as { strides: [number, number] | number; pad: 'valid' | 'same' | number; dataFormat?: 'NHWC' | 'NCHW';
      dilations?: [number, number] | number; dimRoundingMode?: 'floor' | 'round' | 'ceil' };
    const info = backend_util.computeConv2DInfo(x.shape as never, filter.shape as never, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode,
      depthwise, depthwise ? 'channelsLast' : backend_util.convertConv2DDataFormat(a.dataFormat ?? 'NHWC'));
    return convForward(name, args, info, depthwise);
  };
  return run as unknown as KernelFunc;
}

/** dx of a convolution from dy and the filter. */
export function convBackwardInput(name: string, args: Args, info: backend_util.Conv2DInfo, depthwise: boolean): TensorInfo {
  const { backend } = args;
  const dy = f32(backend, args.inputs.dy!), w = f32(backend, args.inputs.filter!);
  const shape = convShape(info, depthwise);
  if (dy === null || w === null || shape === null || dy.length !== outSize(info)) return cpuKernel(name, args);
  const dx = alloc(backend, info.batchSize * info.inHeight * info.inWidth * info.inChannels);
  convAddon.conv2dBackwardInput(shape, w, dy, dx);
  return output(backend, [info.batchSize, info.inHeight, info.inWidth, info.inChannels], dx);
}

/** dw of a convolution from x and dy. */
export function convBackwardFilter(name: string, args: Args, info: backend_util.Conv2DInfo, depthwise: boolean, filterShape: number[]): TensorInfo {
  const { backend } = args;
  const x = f32(backend, args.inputs.x!), dy = f32(backend, args.inputs.dy!);
  const shape = convShape(info, depthwise);
  if (x === null || dy === null || shape === null || dy.length !== outSize(info)) return cpuKernel(name, args);
  const dw = alloc(backend, filterShape.reduce((a, b) => a * b, 1));
  convAddon.conv2dBackwardFilter(shape, x, dy, dw, null, false);
  return output(backend, filterShape.slice(), dw);
}

