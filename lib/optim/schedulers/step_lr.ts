/**
 * Step decays: StepLR (every `stepSize` steps) and MultiStepLR (at given
 * milestones), PyTorch 2.x semantics.
 * @packageDocumentation
 */
import { LRScheduler } from './base';
import type { SchedulerTarget } from './types';
import { increasingInts, int, num, optionsObject } from './validate';

/** Options of {@link StepLR}. */
export interface StepLROptions {
  /** Period of the decay in steps (integer >= 1). */
  stepSize: number;
  /** Multiplicative decay (>= 0, default 0.1). */
  gamma?: number;
}

/** Options of {@link MultiStepLR}. */
export interface MultiStepLROptions {
  /** Steps at which the lr is multiplied by gamma (strictly increasing integers >= 0). */
  milestones: number[];
  /** Multiplicative decay (>= 0, default 0.1). */
  gamma?: number;
}

/**
 * Multiplies each group's lr by `gamma` every `stepSize` steps:
 * `lr_t = base · gamma^⌊t / stepSize⌋`. Computed recursively like PyTorch 2.x
 * (`lr_t = lr_{t-1} · gamma` when `t > 0` and `t % stepSize == 0`, else
 * unchanged), so the values are products of gamma, not powers (they differ in
 * the last bits) and outside changes to the lr carry over.
 */
export class StepLR extends LRScheduler {
  private stepSize = 1;
  private gamma = 0.1;

  /** Sets the lr of step 0 (the groups' lr, recorded as `initialLr`). */
  constructor(optimizer: SchedulerTarget, options: StepLROptions) {
    super(optimizer, 'StepLR');
    this.loadOptions(options);
    this.start();
  }

  protected override computeLr(): number[] {
    const lrs = this.currentLrs();
    if (this.epoch === 0 || this.epoch % this.stepSize !== 0) return lrs;
    return lrs.map((lr) => lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** Math.floor(this.epoch / this.stepSize));
  }

  protected override optionsState() {
    return { stepSize: this.stepSize, gamma: this.gamma };
  }

  protected override loadOptions(options: unknown): void {
    const o = optionsObject('StepLR', options, ['stepSize', 'gamma']);
    const stepSize = int('StepLR', o.stepSize, 'stepSize', 1);
    this.gamma = num('StepLR', o.gamma, 'gamma', { min: 0 }, 0.1);
    this.stepSize = stepSize;
  }
}

/** Index of the first milestone > t (Python's bisect_right). @internal */
export function bisectRight(sorted: readonly number[], t: number): number {
  let i = 0;
  while (i < sorted.length && sorted[i] <= t) i++;
  return i;
}

/**
 * Multiplies each group's lr by `gamma` at every milestone:
 * `lr_t = base · gamma^(milestones ≤ t)`. Recursive like PyTorch 2.x
 * (`lr_t = lr_{t-1} · gamma` when t is a milestone); a milestone 0 decays the
 * lr of step 0 already.
 */
export class MultiStepLR extends LRScheduler {
  private milestones: number[] = [];
  private gamma = 0.1;

  /** Sets the lr of step 0. */
  constructor(optimizer: SchedulerTarget, options: MultiStepLROptions) {
    super(optimizer, 'MultiStepLR');
    this.loadOptions(options);
    this.start();
  }

  protected override computeLr(): number[] {
    const lrs = this.currentLrs();
    return this.milestones.includes(this.epoch) ? lrs.map((lr) => lr * this.gamma) : lrs;
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** bisectRight(this.milestones, this.epoch));
  }

  protected override optionsState() {
    return { milestones: this.milestones.slice(), gamma: this.gamma };
  }

  protected override loadOptions(options: unknown): void {
    const o = optionsObject('MultiStepLR', options, ['milestones', 'gamma']);
    if (o.milestones === undefined) throw new TypeError(`MultiStepLR: 'milestones' is required`);
    const milestones = increasingInts('MultiStepLR', o.milestones, 'milestones', 0);
    this.gamma = num('MultiStepLR', o.gamma, 'gamma', { min: 0 }, 0.1);
    this.milestones = milestones;
  }
}
