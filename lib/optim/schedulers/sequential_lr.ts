/**
 * SequentialLR: runs schedulers one after another, PyTorch 2.x semantics.
 * @packageDocumentation
 */
import { checkStateHeader, loadAtomically, LRScheduler, type LRSchedulerState } from './base';
import { bisectRight } from './step_lr';
import { groupAccess, type Group } from './groups';
import type { Scheduler, SchedulerTarget } from './types';
import { increasingInts, int, optionsObject } from './validate';

/** Options of {@link SequentialLR}. */
export interface SequentialLROptions {
  /** The schedulers, all built on the same optimizer (not ReduceLROnPlateau or SequentialLR). */
  schedulers: LRScheduler[];
  /** Steps at which the next scheduler takes over: one fewer than schedulers, strictly increasing integers >= 1. */
  milestones: number[];
}

/** The JSON-safe state of a {@link SequentialLR}. */
export type SequentialLRState = {
  scheduler: 'SequentialLR';
  /** Steps taken. */
  lastEpoch: number;
  /** The milestones (checked against this instance's on load). */
  milestones: number[];
  /** The lr of every group after the last step. */
  lastLr: number[];
  /** The states of the schedulers, in order. */
  schedulers: LRSchedulerState[];
};

const WHO = 'SequentialLR';

/**
 * Runs `schedulers[0]` until `milestones[0]`, then `schedulers[1]`, and so on.
 * As in PyTorch 2.x, the constructor puts every group's lr back to its
 * `initialLr`, undoes the initial step of every scheduler and re-takes it for
 * the first one only; at a milestone the next scheduler restarts at its step
 * 0 from its closed form (so a CosineAnnealingLR after a LinearLR warm-up
 * starts at the base lr), and from then on steps as usual (recursively).
 */
export class SequentialLR implements Scheduler {
  /** The optimizer whose learning rates this scheduler writes. */
  readonly optimizer: SchedulerTarget;
  private readonly groups: () => Group[];
  private readonly schedulers: LRScheduler[];
  private readonly milestones: number[];
  private epoch: number;
  private lastLr: number[];

  /** Resets the lrs and takes the first scheduler's step 0. */
  constructor(optimizer: SchedulerTarget, options: SequentialLROptions) {
    const groups = groupAccess(WHO, optimizer);
    const o = optionsObject(WHO, options, ['schedulers', 'milestones']);
    if (!Array.isArray(o.schedulers) || o.schedulers.length === 0) throw new TypeError(`${WHO}: 'schedulers' must be a non-empty array of schedulers`);
    const schedulers = o.schedulers as unknown[];
    schedulers.forEach((s, i) => {
      if (!(s instanceof LRScheduler)) throw new TypeError(`${WHO}: 'schedulers[${i}]' must be a chainable scheduler (not ReduceLROnPlateau or SequentialLR)`);
      if (s.optimizer !== optimizer) throw new RangeError(`${WHO}: 'schedulers[${i}]' drives another optimizer`);
    });
    if (o.milestones === undefined) throw new TypeError(`${WHO}: 'milestones' is required`);
    const milestones = increasingInts(WHO, o.milestones, 'milestones', 1);
    if (milestones.length !== schedulers.length - 1) throw new RangeError(`${WHO}: 'milestones' must have ${schedulers.length - 1} entries (one fewer than schedulers), got ${milestones.length}`);
    this.optimizer = optimizer;
    this.groups = groups;
    this.schedulers = schedulers as LRScheduler[];
    this.milestones = milestones;
    this.epoch = 0;
    for (const g of groups()) if (typeof g.initialLr === 'number') g.lr = g.initialLr;
    for (const s of this.schedulers) s.undoInitialStep();
    this.schedulers[0].initialStep();
    this.lastLr = this.schedulers[0].getLastLr();
  }

  /** Steps taken (0 after construction). */
  get lastEpoch(): number {
    return this.epoch;
  }

  /** The learning rate of every group after the last step (a copy). */
  getLastLr(): number[] {
    return this.lastLr.slice();
  }

  /** Advances the active scheduler (restarting the next one at a milestone). Arguments are ignored. */
  step(): void {
    this.epoch++;
    const idx = bisectRight(this.milestones, this.epoch);
    const s = this.schedulers[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.epoch) s.restartAtZero();
    else s.step();
    this.lastLr = s.getLastLr();
  }

  /** A JSON-safe snapshot, with every scheduler's state. */
  stateDict(): SequentialLRState {
    return { scheduler: WHO, lastEpoch: this.epoch, milestones: this.milestones.slice(), lastLr: this.lastLr.slice(), schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  /** Restores a {@link stateDict} snapshot into this SequentialLR and its schedulers, and writes the last lrs into the groups. */
  loadStateDict(state: unknown): void {
    // Atomic over the sub-schedulers too: their states are part of ours.
    loadAtomically(() => this.stateDict(), (saved) => this.load(saved), this.groups(), () => this.load(state));
  }

  private load(state: unknown): void {
    const s = checkStateHeader(state, WHO, ['lastEpoch', 'milestones', 'lastLr', 'schedulers']);
    if (JSON.stringify(s.milestones) !== JSON.stringify(this.milestones)) throw new RangeError(`${WHO}.loadStateDict: the state's milestones ${JSON.stringify(s.milestones)} differ from ${JSON.stringify(this.milestones)}`);
    if (!Array.isArray(s.schedulers) || s.schedulers.length !== this.schedulers.length) throw new TypeError(`${WHO}.loadStateDict: 'schedulers' must hold ${this.schedulers.length} states`);
    const lastEpoch = int(WHO, s.lastEpoch, 'state.lastEpoch', 0);
    if (!Array.isArray(s.lastLr) || s.lastLr.length !== this.groups().length || s.lastLr.some((v) => typeof v !== 'number' || !Number.isFinite(v) || v < 0)) {
      throw new TypeError(`${WHO}.loadStateDict: 'lastLr' must be an array of ${this.groups().length} finite numbers >= 0`);
    }
    const lastLr = (s.lastLr as number[]).slice();
    s.schedulers.forEach((sub, i) => this.schedulers[i].loadStateDict(sub));
    this.epoch = lastEpoch;
    this.groups().forEach((g, i) => (g.lr = lastLr[i]));
    this.lastLr = lastLr;
  }
}
