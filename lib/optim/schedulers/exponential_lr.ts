/**
 * ExponentialLR, PyTorch 2.x semantics.
 * @packageDocumentation
 */
import { LRScheduler } from './base';
import type { SchedulerTarget } from './types';
import { num, optionsObject } from './validate';

/** Options of {@link ExponentialLR}. */
export interface ExponentialLROptions {
  /** Multiplicative decay per step (>= 0; > 1 grows the lr). */
  gamma: number;
}

/**
 * Multiplies each group's lr by `gamma` every step: `lr_t = base · gamma^t`.
 * Recursive like PyTorch 2.x (`lr_t = lr_{t-1} · gamma`): after many steps
 * the repeated product differs from `gamma ** t` in the last bits.
 */
export class ExponentialLR extends LRScheduler {
  private gamma = 1;

  /** Sets the lr of step 0 (unchanged). */
  constructor(optimizer: SchedulerTarget, options: ExponentialLROptions) {
    super(optimizer, 'ExponentialLR');
    this.loadOptions(options);
    this.start();
  }

  protected override computeLr(): number[] {
    const lrs = this.currentLrs();
    return this.epoch === 0 ? lrs : lrs.map((lr) => lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** this.epoch);
  }

  protected override optionsState() {
    return { gamma: this.gamma };
  }

  protected override loadOptions(options: unknown): void {
    const o = optionsObject('ExponentialLR', options, ['gamma']);
    this.gamma = num('ExponentialLR', o.gamma, 'gamma', { min: 0 });
  }
}
