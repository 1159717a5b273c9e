/**
 * Lion and LAMB: two modern optimizers outside the article, for large models
 * and large batches.
 * @packageDocumentation
 */
import { OPTIM_KINDS } from '../native_codes';
import { BaseOptions, checkBetas, checkBoolean, checkNonNegative, FLAG, Optimizer, OptimizerOptions, Param, ParamsInput, SlotSpec, TensorState } from './optimizer';

/** Options of {@link Lion}. */
export interface LionOptions extends BaseOptions {
  /** (β1, β2), default [0.9, 0.99]. */
  betas: [number, number];
}

/**
 * Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"),
 * as in the paper and Optax, with decoupled weight decay:
 * ```
 * c ← β1·m + (1 − β1)·g;  θ ← θ·(1 − ηλ) − η·sign(c);  m ← β2·m + (1 − β2)·g
 * ```
 * Every coordinate moves by exactly ±η (or 0), so use a 3-10× smaller lr
 * than AdamW (default 1e-4).
 */
export class Lion extends Optimizer<LionOptions> {
  protected readonly name = 'Lion';
  protected readonly kind = OPTIM_KINDS.lion;
  constructor(params: ParamsInput<LionOptions>, options?: OptimizerOptions<LionOptions>) {
    super(params, { lr: 1e-4, betas: [0.9, 0.99], weightDecay: 0, maximize: false }, options, 'Lion');
  }
  protected validate(g: LionOptions, owner: string): void {
    checkNonNegative(g.lr, 'lr', owner);
    checkNonNegative(g.weightDecay, 'weightDecay', owner);
    checkBetas(g.betas, owner);
    checkBoolean(g.maximize, 'maximize', owner);
  }
  protected slots(): Array<SlotSpec | null> {
    return [{ name: 'expAvg', init: 0 }, null, null];
  }
  protected scalars(g: LionOptions, _s: TensorState, _p: Param): number[] {
    const [b1, b2] = g.betas;
    return [g.maximize ? FLAG.maximize : 0, g.lr, g.weightDecay, b1, b2, 0, 1 - g.lr * g.weightDecay, 1 - b1, 1 - b2, 0, 0, 0, 0, 0];
  }
}

/** Options of {@link LAMB}. */
export interface LAMBOptions extends BaseOptions {
  /** (β1, β2), default [0.9, 0.999]. */
  betas: [number, number];
  /** Added to √v̂ (default 1e-6). */
  eps: number;
}

/**
 * LAMB (You et al. 2020, "Large Batch Optimization for Deep Learning"): an
 * Adam direction scaled per tensor by a trust ratio.
 * ```
 * m, v as Adam;  u ← (m/(1 − β1ᵗ)) / (√(v/(1 − β2ᵗ)) + ε) + λθ
 * θ ← θ − η · (‖θ‖ / ‖u‖) · u        (ratio 1 when either norm is 0)
 * ```
 * The norms are per tensor, computed natively in one extra pass.
 */
export class LAMB extends Optimizer<LAMBOptions> {
  protected readonly name = 'LAMB';
  protected readonly kind = OPTIM_KINDS.lamb;
  constructor(params: ParamsInput<LAMBOptions>, options?: Partial<LAMBOptions>) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-6, weightDecay: 0, maximize: false }, options, 'LAMB');
    // Its two-pass kernel (norms, then the update) has no bf16-state form.
    if (this.stateDtype !== 'fp32') throw new RangeError(`LAMB: 'stateDtype' must be 'fp32' (bf16 state is not available for LAMB)`);
  }
  protected validate(g: LAMBOptions, owner: string): void {
    checkNonNegative(g.lr, 'lr', owner);
    checkNonNegative(g.eps, 'eps', owner);
    checkNonNegative(g.weightDecay, 'weightDecay', owner);
    checkBetas(g.betas, owner);
    checkBoolean(g.maximize, 'maximize', owner);
  }
  protected slots(): Array<SlotSpec | null> {
    return [{ name: 'expAvg', init: 0 }, { name: 'expAvgSq', init: 0, nonNegative: true }, null];
  }
  protected scalars(g: LAMBOptions, s: TensorState, _p: Param): number[] {
    const [b1, b2] = g.betas;
    return [g.maximize ? FLAG.maximize : 0, g.lr, g.weightDecay, b1, b2, g.eps, 0, 1 - b1, 1 - b2, 1 - b1 ** s.step, 1 - b2 ** s.step, 0, 0, 0];
  }
}
