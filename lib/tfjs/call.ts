/**
 * Calls another kernel of the simdtrain backend through tfjs's kernel
 * registry. tfjs's cpu kernels call their siblings directly (so a fused cpu
 * kernel would bypass a native replacement); ours always go through here.
 * @packageDocumentation
 */
import { getKernel, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { BACKEND_NAME } from './backend';

/** Runs kernel `name` of the simdtrain backend; returns its single output. */
export function callKernel(name: string, inputs: NamedTensorInfoMap, backend: MathBackendCPU, attrs: NamedAttrMap = {}): TensorInfo {
  const config = getKernel(name, BACKEND_NAME);
  if (config === undefined) throw new Error(`simdtrain tfjs backend: kernel '${name}' is not registered`);
  const out = config.kernelFunc({ inputs, backend, attrs });
  return Array.isArray(out) ? out[0] : out;
}
