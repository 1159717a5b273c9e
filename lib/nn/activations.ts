/**
 * Activation functions of {@link Dense} layers, computed by the native nn
 * kernels (SIMD, fused with the bias add).
 * @packageDocumentation
 */

import { ACT_CODES } from '../native_codes';

/** Names accepted as a Dense layer's `activation`. */
export type ActivationName = 'linear' | 'relu' | 'leakyRelu' | 'sigmoid' | 'tanh' | 'gelu' | 'softmax';

/** Native activation codes (mirrored in lib/native_codes.ts). @internal */
export const ACTIVATION_CODES: Readonly<Record<ActivationName, number>> = ACT_CODES;

/** Every activation name. */
export const ACTIVATIONS = Object.keys(ACTIVATION_CODES) as ActivationName[];

/**
 * The `torch.nn` module an activation corresponds to in an equivalent
 * `torch.nn.Sequential` (null for linear, which has no module). @internal
 */
export const TORCH_MODULES: Readonly<Record<ActivationName, string | null>> = {
  linear: null,
  relu: 'ReLU()',
  leakyRelu: 'LeakyReLU(negative_slope)',
  sigmoid: 'Sigmoid()',
  tanh: 'Tanh()',
  gelu: 'GELU()',
  softmax: 'Softmax(dim=1)',
};

/** Checks an activation name. @internal */
export function checkActivation(name: unknown, what: string): ActivationName {
  if (typeof name !== 'string') throw new TypeError(`${what} must be a string (got ${typeof name})`);
  if (!(name in ACTIVATION_CODES)) throw new RangeError(`${what} must be one of ${ACTIVATIONS.join(', ')} (got '${name}')`);
  return name as ActivationName;
}
