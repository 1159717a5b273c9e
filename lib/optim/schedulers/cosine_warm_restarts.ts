/**
 * CosineAnnealingWarmRestarts (SGDR), PyTorch 2.x semantics.
 * @packageDocumentation
 */
import { LRScheduler } from './base';
import type { JsonValue, SchedulerTarget } from './types';
import { int, num, optionsObject } from './validate';

/** Options of {@link CosineAnnealingWarmRestarts}. */
export interface CosineAnnealingWarmRestartsOptions {
  /** Steps until the first restart (integer >= 1). */
  t0: number;
  /** Growth of the period after each restart (integer >= 1, default 1). */
  tMult?: number;
  /** The lowest lr (>= 0, default 0). */
  etaMin?: number;
}

/**
 * Cosine annealing with warm restarts:
 * `lr = etaMin + (base − etaMin) · (1 + cos(π · tCur / tI)) / 2`, where `tCur`
 * counts steps since the last restart and `tI` (first `t0`) is multiplied by
 * `tMult` at every restart. Closed form from the base lrs, as in PyTorch
 * (not chainable). Whole steps only: PyTorch's fractional `step(epoch)` is
 * not supported.
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  private t0 = 1;
  private tMult = 1;
  private etaMin = 0;
  private tI = 1;
  private tCur = -1;

  /** Sets the lr of step 0 (the base lr). */
  constructor(optimizer: SchedulerTarget, options: CosineAnnealingWarmRestartsOptions) {
    super(optimizer, 'CosineAnnealingWarmRestarts');
    this.loadOptions(options);
    this.tI = this.t0;
    this.start();
  }

  /** Advances one step (restarting when `tCur` reaches `tI`) and writes the lrs. */
  override step(): void {
    this.stepCount++;
    if (this.epoch < 0) {
      this.tI = this.t0;
      this.tCur = 0;
      this.epoch = 0;
    } else {
      this.epoch++;
      this.tCur++;
      if (this.tCur >= this.tI) {
        this.tCur = this.tCur % this.tI;
        this.tI = this.tI * this.tMult;
      }
    }
    this.apply(this.computeLr());
  }

  protected override computeLr(): number[] {
    this.currentLrs();
    return this.baseLrs.map((b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.tCur) / this.tI))) / 2);
  }

  protected override optionsState() {
    return { t0: this.t0, tMult: this.tMult, etaMin: this.etaMin };
  }

  protected override loadOptions(options: unknown): void {
    const o = optionsObject('CosineAnnealingWarmRestarts', options, ['t0', 'tMult', 'etaMin']);
    const t0 = int('CosineAnnealingWarmRestarts', o.t0, 't0', 1);
    const tMult = int('CosineAnnealingWarmRestarts', o.tMult, 'tMult', 1, 1);
    this.etaMin = num('CosineAnnealingWarmRestarts', o.etaMin, 'etaMin', { min: 0 }, 0);
    this.t0 = t0;
    this.tMult = tMult;
  }

  protected override extraState(): { [key: string]: JsonValue } {
    return { tI: this.tI, tCur: this.tCur };
  }

  protected override loadExtra(extra: Record<string, unknown>): void {
    const tI = int('CosineAnnealingWarmRestarts', extra.tI, 'state.extra.tI', 1);
    const tCur = int('CosineAnnealingWarmRestarts', extra.tCur, 'state.extra.tCur', -1);
    this.tI = tI;
    this.tCur = tCur;
  }
}
