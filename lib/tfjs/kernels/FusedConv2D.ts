/** FusedConv2D: native convolution with the bias add and ReLU fused into the SGEMM store; other activations after it. */
import { backend_util, FusedConv2D, type FusedConv2DAttrs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { BACKEND_NAME } from '../backend';
import { convForward } from './convolution';

export function fusedConv2D(args: { inputs: Record<string, TensorInfo>; backend: MathBackendCPU; attrs: FusedConv2DAttrs }): TensorInfo {
  const { x, filter } = args.inputs;
  const { strides, pad, dataFormat, dilations, dimRoundingMode } = args.attrs;
  const info = backend_util.computeConv2DInfo(x.shape as never, filter.shape as never, strides, dilations, pad, dimRoundingMode, false,
    backend_util.convertConv2DDataFormat(dataFormat));
  return convForward(FusedConv2D, args as never, info, false);
}

export const fusedConv2DConfig: KernelConfig = { kernelName: FusedConv2D, backendName: BACKEND_NAME, kernelFunc: fusedConv2D as unknown as KernelFunc };
