/**
 * ReduceLROnPlateau, PyTorch 2.x semantics.
 * @packageDocumentation
 */
import { checkStateHeader, loadAtomically } from './base';
import { groupAccess, type Group } from './groups';
import { decodeNumber, encodeNumber } from './json';
import type { JsonNumber, Scheduler, SchedulerTarget } from './types';
import { int, num, oneOf, optionsObject, perGroup } from './validate';

/** Options of {@link ReduceLROnPlateau}. */
export interface ReduceLROnPlateauOptions {
  /** 'min' (default): the metric should fall; 'max': it should rise. */
  mode?: 'min' | 'max';
  /** new lr = lr · factor, in [0, 1) (default 0.1). */
  factor?: number;
  /** Bad steps tolerated before reducing (integer >= 0, default 10). */
  patience?: number;
  /** Smallest significant improvement (>= 0, default 1e-4). */
  threshold?: number;
  /** 'rel' (default): relative to the best value; 'abs': absolute. */
  thresholdMode?: 'rel' | 'abs';
  /** Steps after a reduction during which bad steps are not counted (integer >= 0, default 0). */
  cooldown?: number;
  /** Lower bound of the lr: one for all groups or one per group (>= 0, default 0). */
  minLr?: number | number[];
  /** Reductions smaller than this are skipped (>= 0, default 1e-8). */
  eps?: number;
}

/** The JSON-safe state of a {@link ReduceLROnPlateau}. */
export type ReduceLROnPlateauState = {
  scheduler: 'ReduceLROnPlateau';
  /** `step` calls so far. */
  lastEpoch: number;
  /** Best metric so far (±Infinity stored as a string). */
  best: JsonNumber;
  /** Consecutive steps without improvement. */
  numBadEpochs: number;
  /** Cooldown steps left. */
  cooldownCounter: number;
  /** The lr of every group after the last step. */
  lastLr: number[];
  /** Options (restored on load), with `minLr` per group and `defaultMinLr` when one value was given. */
  options: {
    mode: 'min' | 'max'; factor: number; patience: number; threshold: number; thresholdMode: 'rel' | 'abs';
    cooldown: number; minLr: number[]; defaultMinLr: number | null; eps: number;
  };
};

type Resolved = ReduceLROnPlateauState['options'];
const WHO = 'ReduceLROnPlateau';

function resolve(options: unknown, groups: number, fromState: boolean): Resolved {
  const keys = ['mode', 'factor', 'patience', 'threshold', 'thresholdMode', 'cooldown', 'minLr', 'eps'];
  const o = optionsObject(WHO, options, fromState ? [...keys, 'defaultMinLr'] : keys);
  const minLr = perGroup(WHO, o.minLr, 'minLr', fromState ? (o.minLr as unknown[] | undefined)?.length ?? groups : groups, { min: 0 }, 0);
  const defaultMinLr = fromState ? (o.defaultMinLr === null ? null : num(WHO, o.defaultMinLr, 'defaultMinLr', { min: 0 })) : Array.isArray(o.minLr) ? null : minLr[0];
  return {
    mode: oneOf(WHO, o.mode, 'mode', ['min', 'max'] as const, 'min'),
    factor: num(WHO, o.factor, 'factor', { min: 0, max: 1, maxExclusive: true }, 0.1),
    patience: int(WHO, o.patience, 'patience', 0, 10),
    threshold: num(WHO, o.threshold, 'threshold', { min: 0 }, 1e-4),
    thresholdMode: oneOf(WHO, o.thresholdMode, 'thresholdMode', ['rel', 'abs'] as const, 'rel'),
    cooldown: int(WHO, o.cooldown, 'cooldown', 0, 0),
    minLr, defaultMinLr,
    eps: num(WHO, o.eps, 'eps', { min: 0 }, 1e-8),
  };
}

/**
 * Multiplies every group's lr by `factor` (not below `minLr`, and only when
 * the change exceeds `eps`) once the metric passed to `step(metric)` has not
 * improved for more than `patience` steps; then waits `cooldown` steps before
 * counting bad steps again. Improvement means `metric < best·(1 − threshold)`
 * ('min', 'rel'), `< best − threshold` ('min', 'abs'), `> best·(1 + threshold)`
 * ('max', 'rel') or `> best + threshold` ('max', 'abs'). The constructor does
 * not change the lr. Works with `fit({ lrScheduler })`, which passes the
 * epoch's validation loss (or training loss).
 */
export class ReduceLROnPlateau implements Scheduler {
  /** The optimizer whose learning rates this scheduler writes. */
  readonly optimizer: SchedulerTarget;
  private readonly groups: () => Group[];
  private o: Resolved;
  private best: number;
  private numBadEpochs = 0;
  private cooldownCounter = 0;
  private epoch = 0;
  private lastLr: number[];

  /** Records the current lrs; changes nothing. */
  constructor(optimizer: SchedulerTarget, options: ReduceLROnPlateauOptions = {}) {
    this.groups = groupAccess(WHO, optimizer);
    this.o = resolve(options, this.groups().length, false);
    this.optimizer = optimizer;
    this.best = this.worst();
    this.lastLr = this.groups().map((g) => g.lr);
  }

  private worst(): number {
    return this.o.mode === 'min' ? Infinity : -Infinity;
  }

  /** `step` calls so far (0 after construction). */
  get lastEpoch(): number {
    return this.epoch;
  }

  /** The learning rate of every group after the last step (a copy). */
  getLastLr(): number[] {
    return this.lastLr.slice();
  }

  /** True while in cooldown after a reduction. */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  private isBetter(a: number, best: number): boolean {
    const { mode, thresholdMode, threshold } = this.o;
    if (mode === 'min') return thresholdMode === 'rel' ? a < best * (1.0 - threshold) : a < best - threshold;
    return thresholdMode === 'rel' ? a > best * (threshold + 1.0) : a > best + threshold;
  }

  /** Feeds one value of the monitored metric (e.g. the validation loss) and reduces the lr if it has plateaued. */
  step(metric: number): void {
    if (typeof metric !== 'number') throw new TypeError(`${WHO}.step: 'metric' must be a number (got ${typeof metric})`);
    const groups = this.groups();
    if (groups.length !== this.o.minLr.length && this.o.defaultMinLr === null) {
      throw new RangeError(`${WHO}: the optimizer has ${groups.length} param groups but 'minLr' has ${this.o.minLr.length} values`);
    }
    this.epoch++;
    if (this.isBetter(metric, this.best)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else this.numBadEpochs++;
    if (this.inCooldown) {
      this.cooldownCounter--;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.o.patience) {
      this.reduce(groups);
      this.cooldownCounter = this.o.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = groups.map((g) => g.lr);
  }

  private reduce(groups: Group[]): void {
    if (groups.length !== this.o.minLr.length) this.o.minLr = new Array<number>(groups.length).fill(this.o.defaultMinLr as number);
    groups.forEach((g, i) => {
      const oldLr = g.lr;
      const newLr = Math.max(oldLr * this.o.factor, this.o.minLr[i]);
      if (oldLr - newLr > this.o.eps) g.lr = newLr;
    });
  }

  /** A JSON-safe snapshot from which {@link loadStateDict} resumes exactly. */
  stateDict(): ReduceLROnPlateauState {
    return {
      scheduler: WHO, lastEpoch: this.epoch, best: encodeNumber(this.best), numBadEpochs: this.numBadEpochs,
      cooldownCounter: this.cooldownCounter, lastLr: this.lastLr.slice(), options: { ...this.o, minLr: this.o.minLr.slice() },
    };
  }

  /** Restores a {@link stateDict} snapshot (options included) and writes its last lrs into the groups. */
  loadStateDict(state: unknown): void {
    loadAtomically(() => this.stateDict(), (saved) => this.load(saved), this.groups(), () => this.load(state));
  }

  private load(state: unknown): void {
    const s = checkStateHeader(state, WHO, ['lastEpoch', 'best', 'numBadEpochs', 'cooldownCounter', 'lastLr', 'options']);
    const o = resolve(s.options, this.groups().length, true);
    const best = decodeNumber(s.best, 'best');
    const lastEpoch = int(WHO, s.lastEpoch, 'state.lastEpoch', 0);
    const numBadEpochs = int(WHO, s.numBadEpochs, 'state.numBadEpochs', 0);
    const cooldownCounter = int(WHO, s.cooldownCounter, 'state.cooldownCounter', 0);
    const groups = this.groups();
    if (!Array.isArray(s.lastLr)) throw new TypeError(`${WHO}: 'state.lastLr' must be an array`);
    const lastLr = perGroup(WHO, s.lastLr, 'state.lastLr', groups.length, { min: 0 });
    this.o = o;
    this.best = best;
    this.epoch = lastEpoch;
    this.numBadEpochs = numBadEpochs;
    this.cooldownCounter = cooldownCounter;
    groups.forEach((g, i) => (g.lr = lastLr[i]));
    this.lastLr = lastLr;
  }
}
