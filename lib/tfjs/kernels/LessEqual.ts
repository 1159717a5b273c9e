/** LessEqual (ClipByValue's gradient mask): one loop for float32 same-shape or scalar operands; tfjs's cpu kernel otherwise. */
import { LessEqual, type BinaryInputs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { BACKEND_NAME } from '../backend';
import { compare } from './compare';

const le = (a: number, b: number): boolean => a <= b;

export const lessEqual = (args: { inputs: BinaryInputs; backend: MathBackendCPU }): TensorInfo => compare(LessEqual, le, args);

export const lessEqualConfig: KernelConfig = { kernelName: LessEqual, backendName: BACKEND_NAME, kernelFunc: lessEqual as unknown as KernelFunc };
