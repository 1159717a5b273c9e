/**
 * Adamax, NAdam and RAdam: relatives of Adam sharing its fused native core.
 * @packageDocumentation
 */
import { OPTIM_KINDS } from '../native_codes';
import { BaseOptions, checkBetas, checkBoolean, checkNonNegative, FLAG, Optimizer, OptimizerOptions, Param, ParamsInput, SlotSpec, TensorState } from './optimizer';

/** Options of {@link Adamax}, {@link NAdam} and {@link RAdam}. */
export interface AdamLikeOptions extends BaseOptions {
  /** (β1, β2), default [0.9, 0.999]. */
  betas: [number, number];
  /** Stabilizer (default 1e-8). */
  eps: number;
}

function validateAdamLike(g: AdamLikeOptions, owner: string): void {
  checkNonNegative(g.lr, 'lr', owner);
  checkNonNegative(g.eps, 'eps', owner);
  checkNonNegative(g.weightDecay, 'weightDecay', owner);
  checkBetas(g.betas, owner);
  checkBoolean(g.maximize, 'maximize', owner);
}

const moments = (): Array<SlotSpec | null> => [{ name: 'expAvg', init: 0 }, { name: 'expAvgSq', init: 0, nonNegative: true }, null];

/**
 * Adamax (Kingma & Ba 2015, §7): Adam with the infinity norm.
 * ```
 * m ← β1·m + (1 − β1)·g;  u ← max(β2·u, |g| + ε);  θ ← θ − (η / (1 − β1ᵗ))·m/u
 * ```
 */
export class Adamax extends Optimizer<AdamLikeOptions> {
  protected readonly name = 'Adamax';
  protected readonly kind = OPTIM_KINDS.adamax;
  constructor(params: ParamsInput<AdamLikeOptions>, options?: OptimizerOptions<AdamLikeOptions>) {
    super(params, { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false }, options, 'Adamax');
  }
  protected validate(g: AdamLikeOptions, owner: string): void {
    validateAdamLike(g, owner);
  }
  protected slots(): Array<SlotSpec | null> {
    return [{ name: 'expAvg', init: 0 }, { name: 'expInf', init: 0, nonNegative: true }, null];
  }
  protected scalars(g: AdamLikeOptions, s: TensorState, _p: Param): number[] {
    const [b1, b2] = g.betas;
    const bc1 = 1 - b1 ** s.step;
    return [g.maximize ? FLAG.maximize : 0, g.lr, g.weightDecay, b1, b2, g.eps, 0, 1 - b1, 0, g.lr / bc1, 0, 0, 0, 0];
  }
}

/** Options of {@link NAdam}. */
export interface NAdamOptions extends AdamLikeOptions {
  /** ψ of the momentum schedule μ_t = β1(1 − ½·0.96^(tψ)) (default 4e-3). */
  momentumDecay: number;
}

/**
 * NAdam (Dozat 2016): Adam with Nesterov momentum, PyTorch 2.x's schedule.
 * ```
 * μ_t = β1(1 − ½·0.96^(tψ)),  Π_t = Π_{t−1}·μ_t
 * m, v as Adam;  d = √(v / (1 − β2ᵗ)) + ε
 * θ ← θ − η(1 − μ_t)/(1 − Π_t) · g/d − η·μ_{t+1}/(1 − Π_t·μ_{t+1}) · m/d
 * ```
 * (Π_t is kept in float32, as PyTorch's `mu_product` tensor.)
 */
export class NAdam extends Optimizer<NAdamOptions> {
  protected readonly name = 'NAdam';
  protected readonly kind = OPTIM_KINDS.nadam;
  constructor(params: ParamsInput<NAdamOptions>, options?: OptimizerOptions<NAdamOptions>) {
    super(params, { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3, maximize: false }, options, 'NAdam');
  }
  protected validate(g: NAdamOptions, owner: string): void {
    validateAdamLike(g, owner);
    checkNonNegative(g.momentumDecay, 'momentumDecay', owner);
  }
  protected override readonly stateScalars = ['muProduct'];
  protected slots(): Array<SlotSpec | null> {
    return moments();
  }
  protected scalars(g: NAdamOptions, s: TensorState, _p: Param): number[] {
    const [b1, b2] = g.betas;
    const t = s.step;
    const mu = b1 * (1 - 0.5 * 0.96 ** (t * g.momentumDecay));
    const muNext = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * g.momentumDecay));
    const previous = s.scalars.muProduct ?? 1;
    const product = Math.fround(previous * Math.fround(mu));
    s.scalars.muProductPrevious = previous; // for rollback when the step is skipped
    s.scalars.muProduct = product;
    const c4 = (g.lr * (1 - mu)) / (1 - product);
    const c5 = (g.lr * muNext) / (1 - product * muNext);
    return [g.maximize ? FLAG.maximize : 0, g.lr, g.weightDecay, b1, b2, g.eps, 1 - g.lr * g.weightDecay, 1 - b1, 1 - b2, 1 - b2 ** t, c4, c5, 0, 0];
  }
  protected override afterStep(states: TensorState[]): void {
    for (const s of states) delete s.scalars.muProductPrevious;
  }
  protected override rollback(states: TensorState[]): void {
    for (const s of states) {
      if (s.scalars.muProductPrevious !== undefined) s.scalars.muProduct = s.scalars.muProductPrevious;
      delete s.scalars.muProductPrevious;
    }
  }
}

/**
 * RAdam (Liu et al. 2020): Adam whose adaptive term is switched on only once
 * the variance of v̂ is tractable (ρ_t > 5), and rectified by r_t.
 * ```
 * ρ∞ = 2/(1 − β2) − 1,  ρ_t = ρ∞ − 2tβ2ᵗ/(1 − β2ᵗ)
 * ρ_t > 5:  r_t = √((ρ_t−4)(ρ_t−2)ρ∞ / ((ρ∞−4)(ρ∞−2)ρ_t))
 *           θ ← θ − η · m/(1 − β1ᵗ) · √(1 − β2ᵗ)/(√v + ε) · r_t
 * else:     θ ← θ − η · m/(1 − β1ᵗ)
 * ```
 */
export class RAdam extends Optimizer<AdamLikeOptions> {
  protected readonly name = 'RAdam';
  protected readonly kind = OPTIM_KINDS.radam;
  constructor(params: ParamsInput<AdamLikeOptions>, options?: OptimizerOptions<AdamLikeOptions>) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false }, options, 'RAdam');
  }
  protected validate(g: AdamLikeOptions, owner: string): void {
    validateAdamLike(g, owner);
  }
  protected slots(): Array<SlotSpec | null> {
    return moments();
  }
  protected scalars(g: AdamLikeOptions, s: TensorState, _p: Param): number[] {
    const [b1, b2] = g.betas;
    const t = s.step;
    const bc1 = 1 - b1 ** t;
    const bc2 = 1 - b2 ** t;
    const rhoInf = 2 / (1 - b2) - 1;
    const rhoT = rhoInf - (2 * t * b2 ** t) / bc2;
    const rectify = rhoT > 5;
    const rect = rectify ? Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : 0;
    const flags = (g.maximize ? FLAG.maximize : 0) | (rectify ? FLAG.rectify : 0);
    return [flags, g.lr, g.weightDecay, b1, b2, g.eps, 1 - g.lr * g.weightDecay, 1 - b1, 1 - b2, bc1, Math.sqrt(bc2), rect, 0, 0];
  }
}
