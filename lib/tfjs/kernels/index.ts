/**
 * The native kernels of the simdtrain backend: one file per kernel, listed
 * here once. Everything not listed runs tfjs's cpu kernel. Chosen by
 * tf.profile of training the MLP and the mnist-node CNN (docs/tfjs.md).
 * @packageDocumentation
 */
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { addConfig } from './Add';
import { batchMatMulConfig } from './BatchMatMul';
import { gatherV2Config } from './GatherV2';
import { multiplyConfig } from './Multiply';
import { realDivConfig } from './RealDiv';
import { stepConfig } from './Step';
import { subConfig } from './Sub';
import { sumConfig } from './Sum';
import { fusedMatMulConfig } from './_FusedMatMul';

export const nativeKernels: KernelConfig[] = [
  addConfig,
  batchMatMulConfig,
  fusedMatMulConfig,
  gatherV2Config,
  multiplyConfig,
  realDivConfig,
  stepConfig,
  subConfig,
  sumConfig,
];
