/**
 * The native kernels of the simdtrain backend: one file per kernel, listed
 * here once. Everything not listed runs tfjs's cpu kernel. Chosen by
 * tf.profile of training the MLP and the mnist-node CNN (docs/tfjs.md).
 * @packageDocumentation
 */
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { HAS_CONV } from '../conv';
import { addConfig } from './Add';
import { avgPoolConfig } from './AvgPool';
import { avgPoolGradConfig } from './AvgPoolGrad';
import { conv2DConfig } from './Conv2D';
import { conv2DBackpropFilterConfig } from './Conv2DBackpropFilter';
import { conv2DBackpropInputConfig } from './Conv2DBackpropInput';
import { depthwiseConv2dNativeConfig } from './DepthwiseConv2dNative';
import { depthwiseConv2dNativeBackpropFilterConfig } from './DepthwiseConv2dNativeBackpropFilter';
import { depthwiseConv2dNativeBackpropInputConfig } from './DepthwiseConv2dNativeBackpropInput';
import { fusedConv2DConfig } from './FusedConv2D';
import { fusedDepthwiseConv2DConfig } from './FusedDepthwiseConv2D';
import { maxPoolConfig } from './MaxPool';
import { maxPoolGradConfig } from './MaxPoolGrad';
import { batchMatMulConfig } from './BatchMatMul';
import { eluConfig } from './Elu';
import { floorConfig } from './Floor';
import { gatherV2Config } from './GatherV2';
import { greaterEqualConfig } from './GreaterEqual';
import { leakyReluConfig } from './LeakyRelu';
import { lessEqualConfig } from './LessEqual';
import { meanConfig } from './Mean';
import { negConfig } from './Neg';
import { multiplyConfig } from './Multiply';
import { preluConfig } from './Prelu';
import { realDivConfig } from './RealDiv';
import { reluConfig } from './Relu';
import { relu6Config } from './Relu6';
import { sigmoidConfig } from './Sigmoid';
import { softmaxConfig } from './Softmax';
import { stepConfig } from './Step';
import { subConfig } from './Sub';
import { sumConfig } from './Sum';
import { tanhConfig } from './Tanh';
import { fusedMatMulConfig } from './_FusedMatMul';

export const nativeKernels: KernelConfig[] = [
  addConfig,
  batchMatMulConfig,
  fusedMatMulConfig,
  eluConfig,
  floorConfig,
  gatherV2Config,
  greaterEqualConfig,
  leakyReluConfig,
  lessEqualConfig,
  meanConfig,
  negConfig,
  multiplyConfig,
  preluConfig,
  realDivConfig,
  reluConfig,
  relu6Config,
  sigmoidConfig,
  softmaxConfig,
  stepConfig,
  subConfig,
  sumConfig,
  tanhConfig,
  // Convolution and pooling: only with an addon that has the layer kernels.
  ...(HAS_CONV ? [
    conv2DConfig, fusedConv2DConfig, fusedDepthwiseConv2DConfig, conv2DBackpropInputConfig, conv2DBackpropFilterConfig, depthwiseConv2dNativeConfig,
    depthwiseConv2dNativeBackpropInputConfig, depthwiseConv2dNativeBackpropFilterConfig, maxPoolConfig, maxPoolGradConfig,
    avgPoolConfig, avgPoolGradConfig,
  ] : []),
];
