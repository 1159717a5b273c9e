/**
 * `simdtrain/tfjs`: a TensorFlow.js backend. Importing this module registers
 * the backend `'simdtrain'` (priority above tfjs's cpu backend, so unchanged
 * tfjs / tfjs-layers code uses it): tfjs's cpu backend with the kernels that
 * dominate training replaced by simdtrain's native ones. It also makes
 * `tf.train.*` (and tfjs-layers' optimizer names) return optimizers with
 * fused native steps and tfjs's exact arithmetic ({@link useNativeOptimizers}).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import 'simdtrain/tfjs';          // that's all: tf.getBackend() === 'simdtrain'
 * ```
 * @packageDocumentation
 */
import { useNativeOptimizers } from './optimizers';
import { registerSimdtrainBackend } from './register';

registerSimdtrainBackend();
useNativeOptimizers(true);

export { BACKEND_NAME, SimdtrainBackend } from './backend';
export { nativeKernels } from './kernels';
export {
  nativeTrain, useNativeOptimizers, NativeAdadelta, NativeAdagrad, NativeAdam, NativeAdamax, NativeMomentum, NativeRMSProp, NativeSGD,
} from './optimizers';
