/**
 * `tf.train`-compatible optimizers with fused native steps: subclasses of
 * tfjs's own optimizer classes (same constructor arguments, defaults, state
 * variables, getConfig/getWeights/setWeights), whose applyGradients updates
 * the variables in place with one native call per step. On a backend that
 * does not keep tensors in CPU memory they run tfjs's own step unchanged.
 * @packageDocumentation
 */
import { train } from '@tensorflow/tfjs-core';
import { NativeAdadelta } from './adadelta';
import { NativeAdagrad } from './adagrad';
import { NativeAdam } from './adam';
import { NativeAdamax } from './adamax';
import { NativeRMSProp } from './rmsprop';
import { NativeMomentum, NativeSGD } from './sgd';

export { NativeAdadelta, NativeAdagrad, NativeAdam, NativeAdamax, NativeMomentum, NativeRMSProp, NativeSGD };

/** Same signatures and defaults as `tf.train` (tfjs-core optimizer_constructors). */
export const nativeTrain = {
  sgd: (learningRate: number) => new NativeSGD(learningRate),
  momentum: (learningRate: number, momentum: number, useNesterov = false) => new NativeMomentum(learningRate, momentum, useNesterov),
  rmsprop: (learningRate: number, decay = 0.9, momentum = 0.0, epsilon: number | null = null, centered = false) =>
    new NativeRMSProp(learningRate, decay, momentum, epsilon as number, centered),
  adam: (learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon: number | null = null) => new NativeAdam(learningRate, beta1, beta2, epsilon as number),
  adadelta: (learningRate = 0.001, rho = 0.95, epsilon: number | null = null) => new NativeAdadelta(learningRate, rho, epsilon as number),
  adamax: (learningRate = 0.002, beta1 = 0.9, beta2 = 0.999, epsilon: number | null = null, decay = 0.0) =>
    new NativeAdamax(learningRate, beta1, beta2, epsilon as number, decay),
  adagrad: (learningRate: number, initialAccumulatorValue = 0.1) => new NativeAdagrad(learningRate, initialAccumulatorValue),
};

type Constructors = Record<keyof typeof nativeTrain, unknown>;
const original: Constructors = { ...Object.fromEntries(Object.keys(nativeTrain).map((k) => [k, (train as unknown as Constructors)[k as keyof Constructors]])) } as Constructors;

/**
 * Makes `tf.train.adam()` etc. (and so tfjs-layers' `optimizer: 'adam'`
 * strings) return the native optimizers (`true`, the default on import) or
 * tfjs's own again (`false`).
 */
export function useNativeOptimizers(enable = true): void {
  const target = train as unknown as Constructors;
  for (const key of Object.keys(nativeTrain) as Array<keyof Constructors>) target[key] = enable ? nativeTrain[key] : original[key];
}
