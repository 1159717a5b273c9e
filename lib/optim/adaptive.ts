/**
 * Adagrad, RMSprop and Adadelta: per-coordinate step sizes from running
 * squares of the gradient (PyTorch 2.x semantics).
 * @packageDocumentation
 */
import { OPTIM_KINDS } from '../native_codes';
import { BaseOptions, checkBoolean, checkNonNegative, checkUnitInterval, FLAG, Optimizer, OptimizerOptions, Param, ParamsInput, SlotSpec, TensorState } from './optimizer';

/** Options of {@link Adagrad}. */
export interface AdagradOptions extends BaseOptions {
  /** Learning-rate decay per step (default 0). */
  lrDecay: number;
  /** Initial value of the sum of squares (default 0). */
  initialAccumulatorValue: number;
  /** Added to √sum (default 1e-10). */
  eps: number;
}

/**
 * Adagrad (Duchi et al. 2011):
 * ```
 * g ← ∇θ (+ λθ);  η_t = η / (1 + (t − 1)·lrDecay)
 * s ← s + g²;     θ ← θ − η_t · g / (√s + ε)
 * ```
 * The article's point: s only grows, so each coordinate's step shrinks
 * (fast on rarely-updated coordinates, but it can stall).
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  protected readonly name = 'Adagrad';
  protected readonly kind = OPTIM_KINDS.adagrad;

  constructor(params: ParamsInput<AdagradOptions>, options?: OptimizerOptions<AdagradOptions>) {
    super(params, { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false }, options, 'Adagrad');
  }
  protected validate(g: AdagradOptions, owner: string): void {
    for (const k of ['lr', 'lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps'] as const) checkNonNegative(g[k], k, owner);
    checkBoolean(g.maximize, 'maximize', owner);
  }
  protected slots(g: AdagradOptions): Array<SlotSpec | null> {
    return [{ name: 'sum', init: g.initialAccumulatorValue, nonNegative: true }, null, null];
  }
  protected scalars(g: AdagradOptions, s: TensorState, _p: Param): number[] {
    const clr = g.lr / (1 + (s.step - 1) * g.lrDecay);
    return [g.maximize ? FLAG.maximize : 0, g.lr, g.weightDecay, 0, 0, g.eps, clr, 0, 0, 0, 0, 0, 0, 0];
  }
}

/** Options of {@link RMSprop}. */
export interface RMSpropOptions extends BaseOptions {
  /** Smoothing constant α of the squared-gradient average (default 0.99). */
  alpha: number;
  /** Added to the root (outside it, as PyTorch; default 1e-8). */
  eps: number;
  /** Momentum (default 0). */
  momentum: number;
  /** Normalize by the centered variance (default false). */
  centered: boolean;
}

/**
 * RMSprop (Hinton's lecture 6e), PyTorch's variant:
 * ```
 * g ← ∇θ (+ λθ);      v ← α·v + (1 − α)·g²
 * centered: ḡ ← α·ḡ + (1 − α)·g;  d ← √(v − ḡ²) + ε   else d ← √v + ε
 * momentum: b ← μ·b + g/d;  θ ← θ − η·b               else θ ← θ − η·g/d
 * ```
 * Unlike Adagrad the average forgets old gradients, so steps do not shrink
 * to nothing. ε is outside the square root (TensorFlow puts it inside).
 */
export class RMSprop extends Optimizer<RMSpropOptions> {
  protected readonly name = 'RMSprop';
  protected readonly kind = OPTIM_KINDS.rmsprop;

  constructor(params: ParamsInput<RMSpropOptions>, options?: OptimizerOptions<RMSpropOptions>) {
    super(params, { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false }, options, 'RMSprop');
  }
  protected validate(g: RMSpropOptions, owner: string): void {
    for (const k of ['lr', 'eps', 'weightDecay', 'momentum'] as const) checkNonNegative(g[k], k, owner);
    checkUnitInterval(g.alpha, 'alpha', owner);
    checkBoolean(g.centered, 'centered', owner);
    checkBoolean(g.maximize, 'maximize', owner);
  }
  protected slots(g: RMSpropOptions): Array<SlotSpec | null> {
    return [
      { name: 'squareAvg', init: 0, nonNegative: true },
      g.momentum > 0 ? { name: 'momentumBuffer', init: 0 } : null,
      g.centered ? { name: 'gradAvg', init: 0 } : null,
    ];
  }
  protected scalars(g: RMSpropOptions, _s: TensorState, _p: Param): number[] {
    const flags = (g.maximize ? FLAG.maximize : 0) | (g.momentum > 0 ? FLAG.momentum : 0) | (g.centered ? FLAG.centered : 0);
    return [flags, g.lr, g.weightDecay, g.alpha, 0, g.eps, 0, 1 - g.alpha, g.momentum, 0, 0, 0, 0, 0];
  }
}

/** Options of {@link Adadelta}. */
export interface AdadeltaOptions extends BaseOptions {
  /** Decay ρ of both running averages (default 0.9). */
  rho: number;
  /** Inside both square roots (default 1e-6). */
  eps: number;
}

/**
 * Adadelta (Zeiler 2012):
 * ```
 * g ← ∇θ (+ λθ);  v ← ρ·v + (1 − ρ)·g²
 * Δ ← √(u + ε) / √(v + ε) · g;  u ← ρ·u + (1 − ρ)·Δ²;  θ ← θ − η·Δ
 * ```
 * (lr defaults to 1.0: the ratio of the two averages already has the units of θ.)
 */
export class Adadelta extends Optimizer<AdadeltaOptions> {
  protected readonly name = 'Adadelta';
  protected readonly kind = OPTIM_KINDS.adadelta;

  constructor(params: ParamsInput<AdadeltaOptions>, options?: OptimizerOptions<AdadeltaOptions>) {
    super(params, { lr: 1.0, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false }, options, 'Adadelta');
  }
  protected validate(g: AdadeltaOptions, owner: string): void {
    for (const k of ['lr', 'eps', 'weightDecay'] as const) checkNonNegative(g[k], k, owner);
    checkNonNegative(g.rho, 'rho', owner);
    if (g.rho > 1) throw new RangeError(`${owner}: 'rho' must be in [0, 1] (got ${g.rho})`);
    checkBoolean(g.maximize, 'maximize', owner);
  }
  protected slots(): Array<SlotSpec | null> {
    return [{ name: 'squareAvg', init: 0, nonNegative: true }, { name: 'accDelta', init: 0, nonNegative: true }, null];
  }
  protected scalars(g: AdadeltaOptions, _s: TensorState, _p: Param): number[] {
    return [g.maximize ? FLAG.maximize : 0, g.lr, g.weightDecay, g.rho, 0, g.eps, 0, 1 - g.rho, 0, 0, 0, 0, 0, 0];
  }
}
