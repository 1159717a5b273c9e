// Builds simdtrain schedulers from the cases of test/fixtures/schedulers.json
// (written by scripts/gen-scheduler-fixtures.py) and replays them.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as simd from 'simdtrain';
import type { LRScheduler, Scheduler, SchedulableOptimizer } from 'simdtrain';

export interface FixtureGroup { lr: number; momentum?: number; betas?: number[] }
export interface FixtureCase {
  name: string;
  scheduler: string;
  optimizer: 'SGD' | 'Adam';
  groups: FixtureGroup[];
  options: Record<string, unknown>;
  steps?: number;
  metrics?: number[];
  lr: number[][];
  momentum?: number[][];
}
export interface Fixture { torch: string; steps: number; cases: FixtureCase[] }

export const fixture: Fixture = JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'schedulers.json'), 'utf8'));

type Group = { lr: number; momentum?: number; betas?: number[] };
export type PlainOptimizer = SchedulableOptimizer & { paramGroups: Group[] };

/** A fresh plain optimizer with copies of the case's groups. */
export function optimizerFor(c: FixtureCase): PlainOptimizer {
  return { paramGroups: c.groups.map((g) => ({ ...g, ...(g.betas ? { betas: g.betas.slice() } : {}) })) };
}

type Ctor = new (o: SchedulableOptimizer, options: never) => Scheduler;
const ctors = simd as unknown as Record<string, Ctor>;

/** The case's scheduler on `opt` (SequentialLR builds its children first, as PyTorch does). */
export function build(opt: SchedulableOptimizer, name: string, options: Record<string, unknown>): Scheduler {
  if (name === 'SequentialLR') {
    const subs = (options.schedulers as { scheduler: string; options: Record<string, unknown> }[]).map((s) => build(opt, s.scheduler, s.options) as LRScheduler);
    return new simd.SequentialLR(opt, { schedulers: subs, milestones: options.milestones as number[] });
  }
  return new ctors[name](opt, options as never);
}

/** Advances the scheduler for step k (1-based), feeding the metric for ReduceLROnPlateau. */
export function stepCase(s: Scheduler, c: FixtureCase, k: number): void {
  if (c.metrics) s.step(c.metrics[k - 1]);
  else s.step();
}

/** The momentum of every group (momentum or betas[0]). */
export const momentumOf = (o: PlainOptimizer) => o.paramGroups.map((g) => (g.betas ? g.betas[0] : (g.momentum as number)));

/** |a − b| / |b| (|a − b| when b is 0). */
export const relErr = (a: number, b: number) => (b === 0 ? Math.abs(a) : Math.abs(a - b) / Math.abs(b));
