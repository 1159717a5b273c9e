/**
 * Registers the `'simdtrain'` backend: every kernel of tfjs's cpu backend
 * under the new name, then the native kernels over them.
 * @packageDocumentation
 */
import { getKernel, getKernelsForBackend, registerBackend, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { BACKEND_NAME, BACKEND_PRIORITY, SimdtrainBackend } from './backend';
import { nativeKernels } from './kernels';

function setKernel(config: Parameters<typeof registerKernel>[0]): void {
  if (getKernel(config.kernelName, BACKEND_NAME) !== undefined) unregisterKernel(config.kernelName, BACKEND_NAME);
  registerKernel({ ...config, backendName: BACKEND_NAME });
}

/** Registers the backend once (later calls do nothing); returns true the first time. */
export function registerSimdtrainBackend(): boolean {
  if (getKernel('BatchMatMul', BACKEND_NAME) !== undefined) return false;
  registerBackend(BACKEND_NAME, () => new SimdtrainBackend(), BACKEND_PRIORITY);
  for (const config of getKernelsForBackend('cpu')) setKernel(config);
  for (const config of nativeKernels) setKernel(config);
  return true;
}
