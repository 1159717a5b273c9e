/** Multiply: native (ewBinary) for float32 same-shape, bias and per-row broadcasts; tfjs's cpu kernel otherwise. */
import { Multiply, type BinaryInputs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { BACKEND_NAME } from '../backend';
import { binary, OP } from './elementwise';

export const multiply = (args: { inputs: BinaryInputs; backend: MathBackendCPU }): TensorInfo => binary(Multiply, OP.mul, args);

export const multiplyConfig: KernelConfig = { kernelName: Multiply, backendName: BACKEND_NAME, kernelFunc: multiply as unknown as KernelFunc };
