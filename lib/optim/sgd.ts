/**
 * SGD with momentum, dampening and Nesterov (PyTorch `torch.optim.SGD`).
 * @packageDocumentation
 */
import { OPTIM_KINDS } from '../native_codes';
import { BaseOptions, checkBoolean, checkNonNegative, FLAG, Optimizer, OptimizerOptions, Param, ParamsInput, SlotSpec, TensorState } from './optimizer';

/** Options of {@link SGD} (PyTorch's defaults). */
export interface SGDOptions extends BaseOptions {
  /** Momentum factor μ (default 0: plain SGD). */
  momentum: number;
  /** Dampening for momentum (default 0). */
  dampening: number;
  /** Nesterov momentum (default false; needs momentum > 0 and dampening 0). */
  nesterov: boolean;
}

const DEFAULTS: SGDOptions = { lr: 1e-3, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: false };

/**
 * Stochastic gradient descent, optionally with momentum (the article's
 * "Momentum" and "NAG").
 *
 * PyTorch's rule, with g ← ∇θ (+ λθ for weightDecay λ):
 * ```
 * b ← g                        (first step)
 * b ← μ·b + (1 − dampening)·g  (later steps)
 * g ← g + μ·b  if nesterov, else g ← b
 * θ ← θ − η·g
 * ```
 * The article writes Momentum as `v ← μv − ηg; θ ← θ + v`: the same
 * trajectory with v = −η·b as long as η is constant (PyTorch keeps η out of
 * the buffer so a schedule changes the step size at once). Its NAG evaluates
 * the gradient at the look-ahead point θ + μv; PyTorch (after Sutskever et
 * al. 2013) re-parameterises θ to the look-ahead point, which gives the
 * `g + μ·b` form above without a second gradient evaluation.
 */
export class SGD extends Optimizer<SGDOptions> {
  protected readonly name = 'SGD';
  protected readonly kind = OPTIM_KINDS.sgd;

  constructor(params: ParamsInput<SGDOptions>, options?: OptimizerOptions<SGDOptions>) {
    super(params, DEFAULTS, options, 'SGD');
  }

  protected validate(g: SGDOptions, owner: string): void {
    checkNonNegative(g.lr, 'lr', owner);
    checkNonNegative(g.momentum, 'momentum', owner);
    checkNonNegative(g.dampening, 'dampening', owner);
    checkNonNegative(g.weightDecay, 'weightDecay', owner);
    checkBoolean(g.nesterov, 'nesterov', owner);
    checkBoolean(g.maximize, 'maximize', owner);
    if (g.momentum > 1) throw new RangeError(`${owner}: 'momentum' must be <= 1 (got ${g.momentum})`);
    if (g.dampening > 1) throw new RangeError(`${owner}: 'dampening' must be <= 1 (got ${g.dampening})`);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) {
      throw new RangeError(`${owner}: 'nesterov' requires momentum > 0 and dampening 0`);
    }
  }

  protected override readonly stateScalars = ['momentumStarted'];

  protected slots(g: SGDOptions): Array<SlotSpec | null> {
    return [g.momentum !== 0 ? { name: 'momentumBuffer', init: 0 } : null, null, null];
  }

  protected scalars(g: SGDOptions, s: TensorState, _p: Param): number[] {
    const hasMomentum = g.momentum !== 0;
    // The buffer starts as a copy of the gradient on its first use.
    const first = hasMomentum && !s.scalars.momentumStarted;
    if (hasMomentum) s.scalars.momentumStarted = 1;
    if (first) s.scalars.startedThisStep = 1;
    const flags =
      (g.maximize ? FLAG.maximize : 0) | (hasMomentum ? FLAG.momentum : 0) | (first ? FLAG.firstStep : 0) | (g.nesterov ? FLAG.nesterov : 0);
    return [flags, g.lr, g.weightDecay, g.momentum, 0, 0, 1 - g.dampening, 0, 0, 0, 0, 0, 0, 0];
  }

  protected override afterStep(states: TensorState[]): void {
    for (const s of states) delete s.scalars.startedThisStep;
  }

  protected override rollback(states: TensorState[]): void {
    for (const s of states) {
      if (s.scalars.startedThisStep) delete s.scalars.momentumStarted;
      delete s.scalars.startedThisStep;
    }
  }
}
