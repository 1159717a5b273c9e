/**
 * LinearLR, PyTorch 2.x semantics.
 * @packageDocumentation
 */
import { LRScheduler } from './base';
import type { SchedulerTarget } from './types';
import { int, num, optionsObject } from './validate';

/** Options of {@link LinearLR}. */
export interface LinearLROptions {
  /** Factor of step 0, in (0, 1] (default 1/3). */
  startFactor?: number;
  /** Factor from step `totalIters` on, in [0, 1] (default 1). */
  endFactor?: number;
  /** Steps of the ramp (integer >= 1, default 5). */
  totalIters?: number;
}

/**
 * Scales each group's lr by a factor going linearly from `startFactor` to
 * `endFactor` over `totalIters` steps, then constant:
 * `lr_t = base · (s + (e − s) · min(t, T) / T)` (closed form, used by
 * SequentialLR at a milestone). `step()` uses PyTorch 2.x's recursive form
 * `lr_t = lr_{t-1} · (1 + (e − s) / (T·s + (t − 1)(e − s)))` for 0 < t ≤ T.
 */
export class LinearLR extends LRScheduler {
  private startFactor = 1 / 3;
  private endFactor = 1;
  private totalIters = 5;

  /** Sets the lr of step 0: `lr · startFactor`. */
  constructor(optimizer: SchedulerTarget, options: LinearLROptions = {}) {
    super(optimizer, 'LinearLR');
    this.loadOptions(options);
    this.start();
  }

  protected override computeLr(): number[] {
    const lrs = this.currentLrs();
    const { startFactor: s, endFactor: e, totalIters: T } = this;
    if (this.epoch === 0) return lrs.map((lr) => lr * s);
    if (this.epoch > T) return lrs;
    return lrs.map((lr) => lr * (1.0 + (e - s) / (T * s + (this.epoch - 1) * (e - s))));
  }

  protected override closedFormLr(): number[] {
    const { startFactor: s, endFactor: e, totalIters: T } = this;
    return this.baseLrs.map((b) => b * (s + ((e - s) * Math.min(T, this.epoch)) / T));
  }

  protected override optionsState() {
    return { startFactor: this.startFactor, endFactor: this.endFactor, totalIters: this.totalIters };
  }

  protected override loadOptions(options: unknown): void {
    const o = optionsObject('LinearLR', options, ['startFactor', 'endFactor', 'totalIters']);
    const startFactor = num('LinearLR', o.startFactor, 'startFactor', { min: 0, minExclusive: true, max: 1 }, 1 / 3);
    const endFactor = num('LinearLR', o.endFactor, 'endFactor', { min: 0, max: 1 }, 1);
    this.totalIters = int('LinearLR', o.totalIters, 'totalIters', 1, 5);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
  }
}
