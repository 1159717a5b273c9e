/** Sub: native (ewBinary) for float32 same-shape, bias and per-row broadcasts; tfjs's cpu kernel otherwise. */
import { Sub, type BinaryInputs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { BACKEND_NAME } from '../backend';
import { binary, OP } from './elementwise';

export const sub = (args: { inputs: BinaryInputs; backend: MathBackendCPU }): TensorInfo => binary(Sub, OP.sub, args);

export const subConfig: KernelConfig = { kernelName: Sub, backendName: BACKEND_NAME, kernelFunc: sub as unknown as KernelFunc };
