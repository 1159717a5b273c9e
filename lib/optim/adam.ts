/**
 * Adam, AdamW and AMSGrad: one fused native kernel, switched by flags.
 * @packageDocumentation
 */
import { OPTIM_KINDS } from '../native_codes';
import { BaseOptions, checkBetas, checkBoolean, checkNonNegative, FLAG, Optimizer, OptimizerOptions, Param, ParamsInput, SlotSpec, TensorState } from './optimizer';

/** Options of {@link Adam} and {@link AdamW}. */
export interface AdamOptions extends BaseOptions {
  /** Decay rates (β1, β2) of the moment estimates (default [0.9, 0.999]). */
  betas: [number, number];
  /** Added to √v̂ (default 1e-8). */
  eps: number;
  /** Keep the running maximum of v (AMSGrad; default false). */
  amsgrad: boolean;
}

/** Row for the Adam kernel (shared by Adam and AdamW). */
function adamRow(g: AdamOptions, step: number, decoupled: boolean): number[] {
  const [b1, b2] = g.betas;
  const bc1 = 1 - b1 ** step;
  const bc2 = 1 - b2 ** step;
  const flags = (g.maximize ? FLAG.maximize : 0) | (g.amsgrad ? FLAG.amsgrad : 0) | (decoupled ? FLAG.decoupled : 0);
  return [flags, g.lr, g.weightDecay, b1, b2, g.eps, 1 - g.lr * g.weightDecay, 1 - b1, 1 - b2, g.lr / bc1, Math.sqrt(bc2), 0, 0, 0];
}

function validateAdam(g: AdamOptions, owner: string): void {
  checkNonNegative(g.lr, 'lr', owner);
  checkNonNegative(g.eps, 'eps', owner);
  checkNonNegative(g.weightDecay, 'weightDecay', owner);
  checkBetas(g.betas, owner);
  checkBoolean(g.amsgrad, 'amsgrad', owner);
  checkBoolean(g.maximize, 'maximize', owner);
}

function adamSlots(g: AdamOptions): Array<SlotSpec | null> {
  return [{ name: 'expAvg', init: 0 }, { name: 'expAvgSq', init: 0, nonNegative: true }, g.amsgrad ? { name: 'maxExpAvgSq', init: 0, nonNegative: true } : null];
}

/**
 * Adam (Kingma & Ba 2015) as PyTorch implements it, with L2 `weightDecay`
 * added to the gradient.
 * ```
 * g ← ∇θ (+ λθ)
 * m ← β1·m + (1 − β1)·g          v ← β2·v + (1 − β2)·g²
 * v_max ← max(v_max, v)          (amsgrad; v_max replaces v below)
 * θ ← θ − (η / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)
 * ```
 * The article writes `θ ← θ − η·m/(√v + ε)` without the bias corrections
 * 1 − βᵗ; without them the first steps are far too small (m and v start at
 * zero). Note ε is added after the square root of the corrected v, as in
 * PyTorch (the paper's ε̂ form).
 */
export class Adam extends Optimizer<AdamOptions> {
  protected readonly name = 'Adam';
  protected readonly kind = OPTIM_KINDS.adam;

  constructor(params: ParamsInput<AdamOptions>, options?: OptimizerOptions<AdamOptions>) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false }, options, 'Adam');
  }

  protected validate(g: AdamOptions, owner: string): void {
    validateAdam(g, owner);
  }
  protected slots(g: AdamOptions): Array<SlotSpec | null> {
    return adamSlots(g);
  }
  protected scalars(g: AdamOptions, s: TensorState, _p: Param): number[] {
    return adamRow(g, s.step, false);
  }
}

/**
 * AdamW (Loshchilov & Hutter 2019): Adam with decoupled weight decay,
 * `θ ← θ·(1 − ηλ)` before the Adam update instead of adding λθ to the
 * gradient. Default `weightDecay` 0.01.
 */
export class AdamW extends Optimizer<AdamOptions> {
  protected readonly name = 'AdamW';
  protected readonly kind = OPTIM_KINDS.adam;

  constructor(params: ParamsInput<AdamOptions>, options?: OptimizerOptions<AdamOptions>) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false }, options, 'AdamW');
  }

  protected validate(g: AdamOptions, owner: string): void {
    validateAdam(g, owner);
  }
  protected slots(g: AdamOptions): Array<SlotSpec | null> {
    return adamSlots(g);
  }
  protected scalars(g: AdamOptions, s: TensorState, _p: Param): number[] {
    return adamRow(g, s.step, true);
  }
}
