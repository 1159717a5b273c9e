/** GreaterEqual (ClipByValue's gradient mask): one loop for float32 same-shape or scalar operands; tfjs's cpu kernel otherwise. */
import { GreaterEqual, type BinaryInputs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { BACKEND_NAME } from '../backend';
import { compare } from './compare';

const ge = (a: number, b: number): boolean => a >= b;

export const greaterEqual = (args: { inputs: BinaryInputs; backend: MathBackendCPU }): TensorInfo => compare(GreaterEqual, ge, args);

export const greaterEqualConfig: KernelConfig = { kernelName: GreaterEqual, backendName: BACKEND_NAME, kernelFunc: greaterEqual as unknown as KernelFunc };
