/**
 * OneCycleLR (1cycle policy), PyTorch 2.x semantics, with momentum / beta1
 * cycling for groups that have `momentum` or `betas`.
 * @packageDocumentation
 */
import { LRScheduler } from './base';
import type { JsonValue, SchedulerTarget } from './types';
import { bool, int, num, oneOf, optionsObject, perGroup } from './validate';

/** Options of {@link OneCycleLR}. */
export interface OneCycleLROptions {
  /** Peak lr: one for all groups or one per group (> 0). */
  maxLr: number | number[];
  /** Steps of the cycle (integer >= 1); or give `epochs` and `stepsPerEpoch`. */
  totalSteps?: number;
  /** With `stepsPerEpoch`: totalSteps = epochs · stepsPerEpoch. */
  epochs?: number;
  /** With `epochs`. */
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent raising the lr, in [0, 1] (default 0.3). */
  pctStart?: number;
  /** 'cos' (default) or 'linear'. */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle momentum (or beta1) inversely to the lr (default true; groups without either are left alone). */
  cycleMomentum?: boolean;
  /** Momentum at the lr peak, in [0, 1] (default 0.85). */
  baseMomentum?: number | number[];
  /** Momentum at the start and end, in [0, 1] (default 0.95). */
  maxMomentum?: number | number[];
  /** initial lr = maxLr / divFactor (> 0, default 25). */
  divFactor?: number;
  /** final lr = initial lr / finalDivFactor (> 0, default 1e4). */
  finalDivFactor?: number;
  /** Three phases (up, down to the initial lr, down to the final lr) instead of two (default false). */
  threePhase?: boolean;
}

type Key = 'initial' | 'max' | 'min';
interface Phase {
  endStep: number;
  startLr: Key;
  endLr: Key;
  startMomentum: 'base' | 'max';
  endMomentum: 'base' | 'max';
}

interface Resolved {
  maxLrs: number[];
  totalSteps: number;
  pctStart: number;
  annealStrategy: 'cos' | 'linear';
  cycleMomentum: boolean;
  baseMomentums: number[];
  maxMomentums: number[];
  divFactor: number;
  finalDivFactor: number;
  threePhase: boolean;
}

const KEYS = ['maxLr', 'totalSteps', 'epochs', 'stepsPerEpoch', 'pctStart', 'annealStrategy', 'cycleMomentum', 'baseMomentum', 'maxMomentum', 'divFactor', 'finalDivFactor', 'threePhase'];
const WHO = 'OneCycleLR';

function resolve(options: unknown, groups: number): Resolved {
  const o = optionsObject(WHO, options, KEYS);
  if (o.maxLr === undefined) throw new TypeError(`${WHO}: 'maxLr' is required`);
  const maxLrs = perGroup(WHO, o.maxLr, 'maxLr', groups, { min: 0, minExclusive: true });
  let totalSteps: number;
  if (o.totalSteps !== undefined) totalSteps = int(WHO, o.totalSteps, 'totalSteps', 1);
  else if (o.epochs !== undefined && o.stepsPerEpoch !== undefined) {
    totalSteps = int(WHO, o.epochs, 'epochs', 1) * int(WHO, o.stepsPerEpoch, 'stepsPerEpoch', 1);
  } else throw new TypeError(`${WHO}: give 'totalSteps', or both 'epochs' and 'stepsPerEpoch'`);
  const momentum = { min: 0, max: 1 };
  return {
    maxLrs, totalSteps,
    pctStart: num(WHO, o.pctStart, 'pctStart', { min: 0, max: 1 }, 0.3),
    annealStrategy: oneOf(WHO, o.annealStrategy, 'annealStrategy', ['cos', 'linear'] as const, 'cos'),
    cycleMomentum: bool(WHO, o.cycleMomentum, 'cycleMomentum', true),
    baseMomentums: perGroup(WHO, o.baseMomentum, 'baseMomentum', groups, momentum, 0.85),
    maxMomentums: perGroup(WHO, o.maxMomentum, 'maxMomentum', groups, momentum, 0.95),
    divFactor: num(WHO, o.divFactor, 'divFactor', { min: 0, minExclusive: true }, 25),
    finalDivFactor: num(WHO, o.finalDivFactor, 'finalDivFactor', { min: 0, minExclusive: true }, 1e4),
    threePhase: bool(WHO, o.threePhase, 'threePhase', false),
  };
}

function phases(r: Resolved): Phase[] {
  const up: Phase = { endStep: r.pctStart * r.totalSteps - 1, startLr: 'initial', endLr: 'max', startMomentum: 'max', endMomentum: 'base' };
  if (!r.threePhase) return [up, { endStep: r.totalSteps - 1, startLr: 'max', endLr: 'min', startMomentum: 'base', endMomentum: 'max' }];
  return [
    up,
    { endStep: 2 * r.pctStart * r.totalSteps - 2, startLr: 'max', endLr: 'initial', startMomentum: 'base', endMomentum: 'max' },
    { endStep: r.totalSteps - 1, startLr: 'initial', endLr: 'min', startMomentum: 'max', endMomentum: 'max' },
  ];
}

/** Which key of a group holds its momentum, if any. */
type MomentumKey = 'momentum' | 'betas' | null;

/**
 * The 1cycle policy (closed form, not chainable). Per group: `initial =
 * maxLr / divFactor`, `min = initial / finalDivFactor`; phases end at steps
 * `pctStart·N − 1` and `N − 1` (three-phase: `pctStart·N − 1`,
 * `2·pctStart·N − 2`, `N − 1`), and within a phase from step `a` to `b` the lr
 * anneals `start → end` with `pct = (t − a)/(b − a)`: cos
 * `end + (start − end)/2 · (1 + cos(π·pct))`, linear `start + (end − start)·pct`.
 * Momentum (a group's `momentum`, or `betas[0]`) runs the opposite way
 * between `maxMomentum` and `baseMomentum`. Groups with neither are left
 * alone (PyTorch instead refuses optimizers without momentum unless
 * `cycleMomentum: false`). Stepping past `totalSteps` throws, as in PyTorch;
 * so does a phase of zero length (e.g. pctStart·N = 1, where PyTorch divides by zero).
 */
export class OneCycleLR extends LRScheduler {
  private r!: Resolved;
  private phaseList: Phase[] = [];
  private momentumKeys: MomentumKey[] = [];

  /** Writes each group's `initialLr` (maxLr / divFactor) and sets the lr (and momentum) of step 0. */
  constructor(optimizer: SchedulerTarget, options: OneCycleLROptions) {
    super(optimizer, WHO);
    this.loadOptions(options);
    this.momentumKeys = this.groups().map((g) => {
      if (!this.r.cycleMomentum) return null;
      if (typeof g.momentum === 'number') return 'momentum';
      if (Array.isArray(g.betas) && typeof g.betas[0] === 'number') return 'betas';
      return null;
    });
    this.groups().forEach((g, i) => (g.initialLr = this.r.maxLrs[i] / this.r.divFactor));
    this.start();
  }

  /** Advances one step; throws a RangeError (changing nothing) past `totalSteps`. */
  override step(): void {
    if (this.epoch + 1 > this.r.totalSteps) throw new RangeError(`OneCycleLR: tried to step ${this.epoch + 1} times; 'totalSteps' is ${this.r.totalSteps}`);
    super.step();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.r.annealStrategy === 'linear') return (end - start) * pct + start;
    return end + ((start - end) / 2.0) * (Math.cos(Math.PI * pct) + 1);
  }

  protected override computeLr(): number[] {
    this.currentLrs();
    const t = this.epoch;
    const groups = this.groups();
    return this.baseLrs.map((initial, i) => {
      const lrOf: Record<Key, number> = { initial, max: this.r.maxLrs[i], min: initial / this.r.finalDivFactor };
      const momOf = { base: this.r.baseMomentums[i], max: this.r.maxMomentums[i] };
      let start = 0.0;
      for (let p = 0; p < this.phaseList.length; p++) {
        const phase = this.phaseList[p];
        if (t <= phase.endStep || p === this.phaseList.length - 1) {
          if (phase.endStep === start) throw new RangeError(`OneCycleLR: phase ${p + 1} has zero length ('pctStart' ${this.r.pctStart} of 'totalSteps' ${this.r.totalSteps})`);
          const pct = (t - start) / (phase.endStep - start);
          const key = this.momentumKeys[i];
          if (key) {
            const m = this.anneal(momOf[phase.startMomentum], momOf[phase.endMomentum], pct);
            const g = groups[i];
            if (key === 'momentum') g.momentum = m;
            else g.betas = [m, ...(g.betas as number[]).slice(1)];
          }
          return this.anneal(lrOf[phase.startLr], lrOf[phase.endLr], pct);
        }
        start = phase.endStep;
      }
      throw new Error('unreachable');
    });
  }

  /** The momentum (or beta1) of every group after the last step; null where not cycled. */
  getLastMomentum(): (number | null)[] {
    const groups = this.groups();
    return this.momentumKeys.map((k, i) => (k === 'momentum' ? (groups[i].momentum as number) : k === 'betas' ? (groups[i].betas as number[])[0] : null));
  }

  protected override optionsState() {
    const { maxLrs, baseMomentums, maxMomentums, ...rest } = this.r;
    return { ...rest, maxLr: maxLrs.slice(), baseMomentum: baseMomentums.slice(), maxMomentum: maxMomentums.slice() };
  }

  protected override loadOptions(options: unknown): void {
    this.r = resolve(options, this.groupCount);
    this.phaseList = phases(this.r);
  }

  protected override extraState(): { [key: string]: JsonValue } {
    return { momentumKeys: this.momentumKeys.slice(), lastMomentum: this.getLastMomentum() };
  }

  protected override loadExtra(extra: Record<string, unknown>): void {
    const keys = extra.momentumKeys;
    const moms = extra.lastMomentum;
    const n = this.groupCount;
    const okKey = (k: unknown) => k === 'momentum' || k === 'betas' || k === null;
    if (!Array.isArray(keys) || keys.length !== n || !keys.every(okKey)) throw new TypeError(`state 'extra.momentumKeys' must hold ${n} of 'momentum', 'betas' or null`);
    if (!Array.isArray(moms) || moms.length !== n || !moms.every((m, i) => (keys[i] === null ? m === null : typeof m === 'number'))) {
      throw new TypeError(`state 'extra.lastMomentum' must hold ${n} numbers (null where not cycled)`);
    }
    this.momentumKeys = keys as MomentumKey[];
    const groups = this.groups();
    this.momentumKeys.forEach((k, i) => {
      if (k === 'momentum') groups[i].momentum = moms[i];
      else if (k === 'betas') groups[i].betas = [moms[i], ...(Array.isArray(groups[i].betas) ? (groups[i].betas as number[]).slice(1) : [])];
    });
  }
}
