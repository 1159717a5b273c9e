/** Add: native (ewBinary) for float32 same-shape, bias and per-row broadcasts; tfjs's cpu kernel otherwise. */
import { Add, type BinaryInputs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { BACKEND_NAME } from '../backend';
import { binary, OP } from './elementwise';

export const add = (args: { inputs: BinaryInputs; backend: MathBackendCPU }): TensorInfo => binary(Add, OP.add, args);

export const addConfig: KernelConfig = { kernelName: Add, backendName: BACKEND_NAME, kernelFunc: add as unknown as KernelFunc };
