/**
 * Recommended gains per nonlinearity (PyTorch's `calculate_gain` table): the
 * factor that keeps activations' variance steady through a layer followed by
 * that nonlinearity.
 * @packageDocumentation
 */

/** Names {@link calculateGain} accepts (PyTorch's, plus `leakyRelu`). */
export type Nonlinearity =
  | 'linear' | 'identity' | 'conv1d' | 'conv2d' | 'conv3d'
  | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'leakyRelu' | 'selu';

const UNIT = ['linear', 'identity', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d', 'sigmoid'];
const NAMES = [...UNIT, 'tanh', 'relu', 'leaky_relu', 'leakyRelu', 'selu'];

/**
 * The recommended gain for a nonlinearity:
 * linear / conv / sigmoid 1, tanh 5/3, relu √2, leaky_relu √(2 / (1 + slope²))
 * (`param` = negative slope, default 0.01), selu 3/4.
 *
 * @example
 * ```ts
 * calculateGain('relu');             // 1.4142…
 * calculateGain('leaky_relu', 0.2);  // 1.3867…
 * ```
 * @throws TypeError for a non-string name or non-number param;
 *   RangeError for an unknown name or a non-finite param.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  if (typeof nonlinearity !== 'string') {
    throw new TypeError(`calculateGain: 'nonlinearity' must be a string (got ${typeof nonlinearity})`);
  }
  if (!NAMES.includes(nonlinearity)) {
    throw new RangeError(`calculateGain: unknown nonlinearity '${nonlinearity}' (known: ${NAMES.join(', ')})`);
  }
  if (param !== undefined) {
    if (typeof param !== 'number') throw new TypeError(`calculateGain: 'param' must be a number (got ${typeof param})`);
    if (!Number.isFinite(param)) throw new RangeError(`calculateGain: 'param' must be finite (got ${param})`);
  }
  if (UNIT.includes(nonlinearity)) return 1;
  switch (nonlinearity) {
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'selu':
      return 3 / 4;
    default: {
      const slope = param ?? 0.01; // leaky_relu
      return Math.sqrt(2 / (1 + slope * slope));
    }
  }
}
