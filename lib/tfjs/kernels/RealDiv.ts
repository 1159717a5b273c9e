/** RealDiv: native (ewBinary) for float32 same-shape, bias and per-row broadcasts; tfjs's cpu kernel otherwise. */
import { RealDiv, type BinaryInputs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { BACKEND_NAME } from '../backend';
import { binary, OP } from './elementwise';

export const realDiv = (args: { inputs: BinaryInputs; backend: MathBackendCPU }): TensorInfo => binary(RealDiv, OP.div, args);

export const realDivConfig: KernelConfig = { kernelName: RealDiv, backendName: BACKEND_NAME, kernelFunc: realDiv as unknown as KernelFunc };
