/**
 * Losses, each one fused native kernel that computes the mean loss and (on
 * request) its gradient in the same pass, numerically stable:
 * - `mse`: mean over all elements of (output - target)²;
 * - `softmaxCrossEntropy`: mean over rows of -log softmax(logits)[label]
 *   (labels) or of -Σ t·log softmax(logits) (target distributions); the row
 *   max is subtracted before exp;
 * - `binaryCrossEntropy`: from logits, mean over all elements of
 *   max(z,0) - z·t + log(1 + e^-|z|).
 *
 * In `fit`, a last layer with `softmax` (with softmaxCrossEntropy) or
 * `sigmoid` (with binaryCrossEntropy) activation is fused with the loss: the
 * loss reads the pre-activation logits, so the output is never squashed twice.
 * @packageDocumentation
 */
import { native } from '../native';
import { LOSS_CODES } from '../native_codes';
import { checkMatrix, type Labels, type Matrix } from './types';

/** Names accepted wherever a loss is expected. */
export type LossName = 'mse' | 'softmaxCrossEntropy' | 'binaryCrossEntropy';

/** A loss function. */
export interface Loss {
  /** Its name. */
  readonly name: LossName;
  /** Native loss code. @internal */
  readonly code: number;
  /**
   * Mean loss of `output` (logits for the cross-entropies) against `target`.
   * When `grad` (same shape as output; may be `output` itself) is given, it
   * receives dLoss/dOutput.
   */
  compute(output: Matrix, target: Matrix | Labels, grad?: Matrix): number;
}

/** Converts class labels to Int32Array (no copy when already one). @internal */
export function toInt32Labels(labels: Labels, name: string): Int32Array {
  if (labels instanceof Int32Array) return labels;
  if (labels instanceof Uint8Array) return Int32Array.from(labels);
  throw new TypeError(`'${name}' must be a Matrix, Uint8Array or Int32Array of labels`);
}

/** True for class-label arrays. @internal */
export function isLabels(x: unknown): x is Labels {
  return x instanceof Uint8Array || x instanceof Int32Array;
}

function makeLoss(name: LossName, code: number): Loss {
  return Object.freeze({
    name,
    code,
    compute(output: Matrix, target: Matrix | Labels, grad?: Matrix): number {
      checkMatrix(output, 'output');
      let labels: Int32Array | null = null;
      let targets: Float32Array | null = null;
      if (isLabels(target)) {
        if (name !== 'softmaxCrossEntropy') throw new TypeError(`'target' of ${name} must be a Matrix (class labels need softmaxCrossEntropy)`);
        labels = toInt32Labels(target, 'target');
      } else {
        checkMatrix(target, 'target');
        if (target.rows !== output.rows || target.cols !== output.cols) {
          throw new RangeError(`'target' shape ${target.rows}x${target.cols} does not match 'output' ${output.rows}x${output.cols}`);
        }
        targets = target.data;
      }
      if (grad !== undefined) {
        checkMatrix(grad, 'grad');
        if (grad.rows !== output.rows || grad.cols !== output.cols) throw new RangeError(`'grad' must have the shape of 'output' (${output.rows}x${output.cols})`);
      }
      const count = name === 'softmaxCrossEntropy' ? output.rows : output.rows * output.cols;
      const scale = count ? 1 / count : 0;
      const [sum] = native.nnLoss(code, output.data, output.rows, output.cols, labels, targets, scale, grad ? grad.data : null);
      return count ? sum / count : 0;
    },
  });
}

/** Mean squared error. */
export const mse: Loss = makeLoss('mse', LOSS_CODES.mse);
/** Softmax cross-entropy from logits (fused softmax + negative log-likelihood). */
export const softmaxCrossEntropy: Loss = makeLoss('softmaxCrossEntropy', LOSS_CODES.softmaxCrossEntropy);
/** Binary cross-entropy from logits (fused sigmoid + BCE). */
export const binaryCrossEntropy: Loss = makeLoss('binaryCrossEntropy', LOSS_CODES.binaryCrossEntropy);

const byName: Record<LossName, Loss> = { mse, softmaxCrossEntropy, binaryCrossEntropy };

/** Resolves a loss name or object. @internal */
export function getLoss(loss: unknown, what = "'loss'"): Loss {
  if (typeof loss === 'string' && loss in byName) return byName[loss as LossName];
  if (typeof loss === 'object' && loss !== null && Object.values(byName).includes(loss as Loss)) return loss as Loss;
  throw new TypeError(`${what} must be one of ${Object.keys(byName).join(', ')} (got ${typeof loss === 'string' ? `'${loss}'` : typeof loss})`);
}
