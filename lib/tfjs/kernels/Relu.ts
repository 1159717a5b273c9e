/** Relu: native for float32 (Math.max(0, x): NaN kept, -0 gives +0), tfjs's cpu kernel otherwise. */
import { getKernel, Relu, type KernelConfig, type KernelFunc, type TensorInfo, type UnaryInputs } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { native } from '../../native';
import { BACKEND_NAME, f32, output } from '../backend';

export function relu(args: { inputs: UnaryInputs; backend: MathBackendCPU }): TensorInfo {
  const x = args.inputs.x!;
  const xv = f32(args.backend, x);
  if (xv === null) return getKernel(Relu, 'cpu')!.kernelFunc(args as never) as TensorInfo;
  const out = new Float32Array(xv.length);
  native.ewRelu(xv, out);
  return output(args.backend, x.shape.slice(), out);
}

export const reluConfig: KernelConfig = { kernelName: Relu, backendName: BACKEND_NAME, kernelFunc: relu as unknown as KernelFunc };
