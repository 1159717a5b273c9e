/**
 * CosineAnnealingLR, PyTorch 2.x semantics.
 * @packageDocumentation
 */
import { LRScheduler } from './base';
import type { SchedulerTarget } from './types';
import { int, num, optionsObject } from './validate';

/** Options of {@link CosineAnnealingLR}. */
export interface CosineAnnealingLROptions {
  /** Steps of a half period (integer >= 1). */
  tMax: number;
  /** The lowest lr (>= 0, default 0). */
  etaMin?: number;
}

/**
 * Cosine annealing without restarts:
 * `lr_t = etaMin + (base − etaMin) · (1 + cos(π t / tMax)) / 2` (closed form,
 * used by SequentialLR at a milestone). `step()` uses PyTorch 2.x's recursive
 * form `lr_t = etaMin + (lr_{t-1} − etaMin) · (1 + cos(π t/T)) / (1 + cos(π (t−1)/T))`,
 * with `lr_t = lr_{t-1} + (base − etaMin)(1 − cos(π/T))/2` where the
 * denominator would vanish (`(t − 1 − T) % 2T == 0`). Past `tMax` the lr
 * rises again (period 2·tMax), as in PyTorch. The two forms agree to
 * rounding, but the recursive one carries outside changes of the lr along.
 */
export class CosineAnnealingLR extends LRScheduler {
  private tMax = 1;
  private etaMin = 0;

  /** Sets the lr of step 0 (unchanged). */
  constructor(optimizer: SchedulerTarget, options: CosineAnnealingLROptions) {
    super(optimizer, 'CosineAnnealingLR');
    this.loadOptions(options);
    this.start();
  }

  protected override computeLr(): number[] {
    const lrs = this.currentLrs();
    const { tMax: T, etaMin: eta, epoch: t } = this;
    if (t === 0) return lrs;
    if (this.stepCount === 1 && t > 0) {
      // PyTorch's branch for a scheduler whose first step is not step 0 (only reachable after a load).
      return this.baseLrs.map((b) => eta + ((b - eta) * (1 + Math.cos((t * Math.PI) / T))) / 2);
    }
    if ((t - 1 - T) % (2 * T) === 0) {
      return lrs.map((lr, i) => lr + ((this.baseLrs[i] - eta) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return lrs.map((lr) => ((1 + Math.cos((Math.PI * t) / T)) / (1 + Math.cos((Math.PI * (t - 1)) / T))) * (lr - eta) + eta);
  }

  protected override closedFormLr(): number[] {
    const { tMax: T, etaMin: eta, epoch: t } = this;
    return this.baseLrs.map((b) => eta + ((b - eta) * (1 + Math.cos((Math.PI * t) / T))) / 2);
  }

  protected override optionsState() {
    return { tMax: this.tMax, etaMin: this.etaMin };
  }

  protected override loadOptions(options: unknown): void {
    const o = optionsObject('CosineAnnealingLR', options, ['tMax', 'etaMin']);
    const tMax = int('CosineAnnealingLR', o.tMax, 'tMax', 1);
    this.etaMin = num('CosineAnnealingLR', o.etaMin, 'etaMin', { min: 0 }, 0);
    this.tMax = tMax;
  }
}
