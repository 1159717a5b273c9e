/** Step (ReLU's gradient mask in tfjs): native for float32, tfjs's cpu kernel otherwise. */
import { getKernel, Step, type KernelConfig, type KernelFunc, type StepAttrs, type TensorInfo, type UnaryInputs } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { native } from '../../native';
import { alloc, BACKEND_NAME, f32, output } from '../backend';

export function step(args: { inputs: UnaryInputs; backend: MathBackendCPU; attrs: StepAttrs }): TensorInfo {
  const x = args.inputs.x!;
  const xv = f32(args.backend, x);
  if (xv === null) return getKernel(Step, 'cpu')!.kernelFunc(args as never) as TensorInfo;
  const out = alloc(args.backend, xv.length);
  native.ewStep(xv, args.attrs.alpha ?? 0, out);
  return output(args.backend, x.shape.slice(), out);
}

export const stepConfig: KernelConfig = { kernelName: Step, backendName: BACKEND_NAME, kernelFunc: step as unknown as KernelFunc };
