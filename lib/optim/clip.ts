/**
 * Gradient clipping (PyTorch's `clip_grad_norm_` / `clip_grad_value_`) with
 * fused native reductions over all tensors.
 * @packageDocumentation
 */
import { native } from '../native';
import type { Param } from '../nn/types';

function grads(params: Param[], owner: string): Float32Array[] {
  if (!Array.isArray(params)) throw new TypeError(`${owner}: 'params' must be an array of params`);
  return params.map((p, i) => {
    if (!p || !(p.grad instanceof Float32Array)) throw new TypeError(`${owner}: params[${i}].grad must be a Float32Array`);
    return p.grad;
  });
}

/**
 * Scales all gradients so their combined `normType`-norm is at most
 * `maxNorm` (factor maxNorm / (norm + 1e-6), applied only when < 1, as
 * PyTorch). Returns the total norm before clipping. `normType` is 1, 2 or
 * `Infinity`. A NaN/Infinity norm is returned and nothing is scaled.
 */
export function clipGradNorm(params: Param[], maxNorm: number, normType = 2): number {
  const list = grads(params, 'clipGradNorm');
  if (typeof maxNorm !== 'number' || !(maxNorm >= 0) || !Number.isFinite(maxNorm)) {
    throw new RangeError(`clipGradNorm: 'maxNorm' must be a finite number >= 0 (got ${maxNorm})`);
  }
  if (normType !== 1 && normType !== 2 && normType !== Infinity) throw new RangeError(`clipGradNorm: 'normType' must be 1, 2 or Infinity (got ${normType})`);
  const total = native.gradNorm(list, normType);
  if (!Number.isFinite(total)) return total;
  const factor = maxNorm / (total + 1e-6);
  if (factor < 1) native.scaleAll(list, factor);
  return total;
}

/** Clamps every gradient element to [−clip, clip]. */
export function clipGradValue(params: Param[], clip: number): void {
  const list = grads(params, 'clipGradValue');
  if (typeof clip !== 'number' || !(clip >= 0) || !Number.isFinite(clip)) {
    throw new RangeError(`clipGradValue: 'clip' must be a finite number >= 0 (got ${clip})`);
  }
  native.clampAll(list, -clip, clip);
}

/** True when any gradient element is NaN or ±Infinity (one fused native pass). */
export function hasNonFiniteGrad(params: Param[]): boolean {
  return native.anyNonFinite(grads(params, 'hasNonFiniteGrad'));
}
