// LR schedulers: lr (and OneCycleLR momentum) sequences match PyTorch
// (fixtures from scripts/gen-scheduler-fixtures.py) to 1e-12 relative;
// stateDict round trips resume identically; bad options throw clear errors;
// they drive fit() and single-lr optimizers.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CosineAnnealingLR, CosineAnnealingWarmRestarts, Dense, ExponentialLR, LinearLR, MultiStepLR, OneCycleLR,
  ReduceLROnPlateau, Sequential, SequentialLR, StepLR, type SchedulerTarget,
} from 'simdtrain';
import { blobs } from './helpers/datasets';
import { SGD } from 'simdtrain';
import { build, fixture, momentumOf, optimizerFor, relErr, stepCase, type FixtureCase } from './helpers/schedulers';

const TOL = 1e-12;

/** Runs a case from scratch; returns lrs (and momenta) after construction and each step. */
function replay(c: FixtureCase) {
  const opt = optimizerFor(c);
  const s = build(opt, c.scheduler, c.options);
  const lr = [s.getLastLr()];
  const mom = [momentumOf(opt)];
  for (let k = 1; k < c.lr.length; k++) {
    stepCase(s, c, k);
    expect(opt.paramGroups.map((g) => g.lr)).toEqual(s.getLastLr());
    lr.push(s.getLastLr());
    mom.push(momentumOf(opt));
  }
  return { lr, mom, s };
}

function maxRelErr(got: number[][], want: number[][]): number {
  expect(got.length).toBe(want.length);
  let worst = 0;
  got.forEach((row, k) => {
    expect(row.length).toBe(want[k].length);
    row.forEach((v, i) => (worst = Math.max(worst, relErr(v, want[k][i]))));
  });
  return worst;
}

describe('schedulers match PyTorch', () => {
  it('covers every scheduler, two-group cases and ~60 steps', () => {
    const names = new Set(fixture.cases.map((c) => c.scheduler));
    expect([...names].sort()).toEqual(['CosineAnnealingLR', 'CosineAnnealingWarmRestarts', 'ExponentialLR', 'LinearLR', 'MultiStepLR', 'OneCycleLR', 'ReduceLROnPlateau', 'SequentialLR', 'StepLR']);
    for (const n of names) expect(fixture.cases.some((c) => c.scheduler === n && c.groups.length === 2)).toBe(true);
    expect(fixture.cases.every((c) => c.lr.length >= 41)).toBe(true);
  });

  let worst = 0;
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { lr, mom, s } = replay(c);
    const e = maxRelErr(lr, c.lr);
    expect(e).toBeLessThanOrEqual(TOL);
    worst = Math.max(worst, e);
    if (c.momentum) {
      const em = maxRelErr(mom, c.momentum);
      expect(em).toBeLessThanOrEqual(TOL);
      worst = Math.max(worst, em);
    }
    expect(s.lastEpoch).toBe(c.lr.length - 1);
  });

  it('reports the worst relative error', () => {
    console.log(`schedulers vs PyTorch ${fixture.torch}: max relative error ${worst.toExponential(3)}`);
    expect(worst).toBeLessThanOrEqual(TOL);
  });
});

describe('stateDict / loadStateDict', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s resumes mid-schedule identically through JSON', (_name, c) => {
    const straight = replay(c);
    const cut = Math.min(23, c.lr.length - 2);
    const opt = optimizerFor(c);
    const s = build(opt, c.scheduler, c.options);
    for (let k = 1; k <= cut; k++) stepCase(s, c, k);
    const saved = JSON.stringify(s.stateDict());
    // A new process: fresh optimizer (as first built) and scheduler, then the saved state.
    const opt2 = optimizerFor(c);
    const s2 = build(opt2, c.scheduler, c.options);
    s2.loadStateDict(JSON.parse(saved));
    expect(s2.lastEpoch).toBe(s.lastEpoch);
    expect(s2.getLastLr()).toEqual(straight.lr[cut]);
    expect(opt2.paramGroups.map((g) => g.lr)).toEqual(straight.lr[cut]);
    for (let k = cut + 1; k < c.lr.length; k++) {
      stepCase(s2, c, k);
      expect(s2.getLastLr()).toEqual(straight.lr[k]);
      if (c.momentum) expect(momentumOf(opt2)).toEqual(straight.mom[k]);
    }
    expect(JSON.stringify(s2.stateDict())).toBe(JSON.stringify(straight.s.stateDict()));
  });

  it('keeps ReduceLROnPlateau JSON-safe while best is ±Infinity', () => {
    for (const mode of ['min', 'max'] as const) {
      const s = new ReduceLROnPlateau({ paramGroups: [{ lr: 0.1 }] }, { mode, patience: 0 });
      const state = JSON.parse(JSON.stringify(s.stateDict()));
      expect(state.best).toBe(mode === 'min' ? 'Infinity' : '-Infinity');
      const t = new ReduceLROnPlateau({ paramGroups: [{ lr: 0.1 }] }, { mode, patience: 0 });
      t.loadStateDict(state);
      t.step(5); // better than ±Infinity
      expect(t.getLastLr()).toEqual([0.1]);
      t.step(mode === 'min' ? 6 : 4); // worse: patience 0 reduces at once
      expect(t.getLastLr()).toEqual([0.1 * 0.1]);
    }
  });

  it('restores the options saved in the state, as PyTorch does', () => {
    const a = new StepLR({ paramGroups: [{ lr: 1 }] }, { stepSize: 2, gamma: 0.5 });
    const b = new StepLR({ paramGroups: [{ lr: 1 }] }, { stepSize: 3 });
    b.loadStateDict(a.stateDict());
    for (let i = 0; i < 4; i++) b.step();
    expect(b.getLastLr()).toEqual([0.25]);
  });

  it('refuses a state of another scheduler or of another group count', () => {
    const s = new StepLR({ paramGroups: [{ lr: 1 }] }, { stepSize: 2 });
    expect(() => s.loadStateDict(new ExponentialLR({ paramGroups: [{ lr: 1 }] }, { gamma: 0.5 }).stateDict())).toThrow(/state is of a ExponentialLR, not a StepLR/);
    expect(() => s.loadStateDict(new StepLR({ paramGroups: [{ lr: 1 }, { lr: 2 }] }, { stepSize: 2 }).stateDict())).toThrow(/'baseLrs' must be an array of 1/);
    expect(() => s.loadStateDict(null)).toThrow(TypeError);
  });
});

describe('bad options throw errors naming the option', () => {
  const one = () => ({ paramGroups: [{ lr: 0.1 }] });
  const two = () => ({ paramGroups: [{ lr: 0.1, momentum: 0.9 }, { lr: 0.01, momentum: 0.9 }] });
  const cases: [string, () => unknown, ErrorConstructor, RegExp][] = [
    ['StepLR stepSize 0', () => new StepLR(one(), { stepSize: 0 }), RangeError, /StepLR: 'stepSize' must be an integer >= 1 \(got 0\)/],
    ['StepLR stepSize 1.5', () => new StepLR(one(), { stepSize: 1.5 }), RangeError, /'stepSize'/],
    ['StepLR stepSize string', () => new StepLR(one(), { stepSize: '3' as unknown as number }), TypeError, /'stepSize' must be a number/],
    ['StepLR no stepSize', () => new StepLR(one(), {} as never), TypeError, /'stepSize' is required/],
    ['StepLR negative gamma', () => new StepLR(one(), { stepSize: 2, gamma: -0.1 }), RangeError, /'gamma' must be a finite number >= 0 \(got -0.1\)/],
    ['StepLR snake_case option', () => new StepLR(one(), { step_size: 2 } as never), TypeError, /unknown option 'step_size'/],
    ['MultiStepLR repeated milestone', () => new MultiStepLR(one(), { milestones: [5, 5] }), RangeError, /'milestones' must be strictly increasing/],
    ['MultiStepLR decreasing milestones', () => new MultiStepLR(one(), { milestones: [10, 5] }), RangeError, /strictly increasing/],
    ['MultiStepLR negative milestone', () => new MultiStepLR(one(), { milestones: [-1] }), RangeError, /'milestones\[0\]'/],
    ['MultiStepLR milestones not an array', () => new MultiStepLR(one(), { milestones: 5 as never }), TypeError, /'milestones' must be an array/],
    ['ExponentialLR no gamma', () => new ExponentialLR(one(), {} as never), TypeError, /'gamma' is required/],
    ['ExponentialLR NaN gamma', () => new ExponentialLR(one(), { gamma: NaN }), RangeError, /'gamma'/],
    ['CosineAnnealingLR tMax 0', () => new CosineAnnealingLR(one(), { tMax: 0 }), RangeError, /'tMax' must be an integer >= 1/],
    ['CosineAnnealingLR negative etaMin', () => new CosineAnnealingLR(one(), { tMax: 5, etaMin: -1 }), RangeError, /'etaMin'/],
    ['CosineAnnealingWarmRestarts t0 0', () => new CosineAnnealingWarmRestarts(one(), { t0: 0 }), RangeError, /'t0'/],
    ['CosineAnnealingWarmRestarts tMult 1.5', () => new CosineAnnealingWarmRestarts(one(), { t0: 5, tMult: 1.5 }), RangeError, /'tMult'/],
    ['LinearLR startFactor 0', () => new LinearLR(one(), { startFactor: 0 }), RangeError, /'startFactor' must be a finite number > 0 and <= 1/],
    ['LinearLR endFactor 1.5', () => new LinearLR(one(), { endFactor: 1.5 }), RangeError, /'endFactor'/],
    ['LinearLR totalIters 0', () => new LinearLR(one(), { totalIters: 0 }), RangeError, /'totalIters'/],
    ['OneCycleLR no maxLr', () => new OneCycleLR(one(), { totalSteps: 10 } as never), TypeError, /'maxLr' is required/],
    ['OneCycleLR maxLr per group, wrong length', () => new OneCycleLR(two(), { maxLr: [0.1], totalSteps: 10 }), RangeError, /'maxLr' must have one value per param group \(2\), got 1/],
    ['OneCycleLR no length', () => new OneCycleLR(one(), { maxLr: 0.1, epochs: 3 }), TypeError, /give 'totalSteps', or both 'epochs' and 'stepsPerEpoch'/],
    ['OneCycleLR pctStart 1.5', () => new OneCycleLR(one(), { maxLr: 0.1, totalSteps: 10, pctStart: 1.5 }), RangeError, /'pctStart'/],
    ['OneCycleLR annealStrategy', () => new OneCycleLR(one(), { maxLr: 0.1, totalSteps: 10, annealStrategy: 'exp' as never }), RangeError, /unknown annealStrategy 'exp'/],
    ['OneCycleLR divFactor 0', () => new OneCycleLR(one(), { maxLr: 0.1, totalSteps: 10, divFactor: 0 }), RangeError, /'divFactor'/],
    ['OneCycleLR zero-length phase', () => new OneCycleLR(one(), { maxLr: 0.1, totalSteps: 10, pctStart: 0.1 }), RangeError, /phase 1 has zero length/],
    ['ReduceLROnPlateau mode', () => new ReduceLROnPlateau(one(), { mode: 'avg' as never }), RangeError, /unknown mode 'avg' \(expected 'min' or 'max'\)/],
    ['ReduceLROnPlateau thresholdMode', () => new ReduceLROnPlateau(one(), { thresholdMode: 'pct' as never }), RangeError, /unknown thresholdMode 'pct'/],
    ['ReduceLROnPlateau factor 1', () => new ReduceLROnPlateau(one(), { factor: 1 }), RangeError, /'factor' must be a finite number >= 0 and < 1/],
    ['ReduceLROnPlateau patience -1', () => new ReduceLROnPlateau(one(), { patience: -1 }), RangeError, /'patience'/],
    ['ReduceLROnPlateau minLr length', () => new ReduceLROnPlateau(two(), { minLr: [0, 0, 0] }), RangeError, /'minLr' must have one value per param group/],
    ['ReduceLROnPlateau metric', () => new ReduceLROnPlateau(one()).step('0.5' as never), TypeError, /'metric' must be a number/],
    ['optimizer null', () => new StepLR(null as never, { stepSize: 1 }), TypeError, /StepLR: 'optimizer' must be/],
    ['optimizer without lr', () => new StepLR({} as never, { stepSize: 1 }), TypeError, /'paramGroups'/],
    ['group lr not a number', () => new StepLR({ paramGroups: [{ lr: 'x' }] } as never, { stepSize: 1 }), TypeError, /paramGroups\[0\]\.lr must be a finite number/],
    ['no groups', () => new StepLR({ paramGroups: [] }, { stepSize: 1 }), RangeError, /no param groups/],
  ];
  it.each(cases)('%s', (_name, make, type, message) => {
    expect(make).toThrow(type);
    expect(make).toThrow(message);
  });

  it('a failed constructor leaves the optimizer untouched', () => {
    const opt = { paramGroups: [{ lr: 0.1, momentum: 0.9 }] };
    expect(() => new OneCycleLR(opt, { maxLr: 0.1, totalSteps: 10, pctStart: 2 })).toThrow(RangeError);
    expect(() => new LinearLR(opt, { startFactor: 0.5, totalIters: -1 })).toThrow(RangeError);
    expect(opt).toEqual({ paramGroups: [{ lr: 0.1, momentum: 0.9 }] });
  });

  it('SequentialLR checks its schedulers and milestones', () => {
    const opt = { paramGroups: [{ lr: 0.1 }] };
    const a = new LinearLR(opt);
    const b = new ExponentialLR(opt, { gamma: 0.9 });
    expect(() => new SequentialLR(opt, { schedulers: [a, b], milestones: [] })).toThrow(/'milestones' must have 1 entries/);
    expect(() => new SequentialLR(opt, { schedulers: [a, b], milestones: [0] })).toThrow(/'milestones\[0\]' must be an integer >= 1/);
    expect(() => new SequentialLR(opt, { schedulers: [], milestones: [] })).toThrow(/non-empty array/);
    expect(() => new SequentialLR(opt, { schedulers: [a, new ReduceLROnPlateau(opt) as never], milestones: [3] })).toThrow(TypeError);
    expect(() => new SequentialLR(opt, { schedulers: [a, new StepLR({ paramGroups: [{ lr: 1 }] }, { stepSize: 1 })], milestones: [3] })).toThrow(/'schedulers\[1\]' drives another optimizer/);
  });

  it('OneCycleLR refuses to step past totalSteps and changes nothing', () => {
    const opt = { paramGroups: [{ lr: 0.1 }] };
    const s = new OneCycleLR(opt, { maxLr: 1, totalSteps: 4 });
    for (let i = 0; i < 4; i++) s.step();
    const lr = opt.paramGroups[0].lr;
    expect(() => s.step()).toThrow(/tried to step 5 times; 'totalSteps' is 4/);
    expect(s.lastEpoch).toBe(4);
    expect(opt.paramGroups[0].lr).toBe(lr);
  });

  it('notices param groups added after construction', () => {
    const opt = { paramGroups: [{ lr: 0.1 }] };
    const s = new ExponentialLR(opt, { gamma: 0.5 });
    opt.paramGroups.push({ lr: 1 });
    expect(() => s.step()).toThrow(/has 2 param groups, but had 1/);
  });
});

describe('optimizer shapes and the trainer', () => {
  it('drives a single-lr optimizer like a one-group one, SequentialLR included', () => {
    const single = { lr: 0.1 };
    const grouped = { paramGroups: [{ lr: 0.1 }] };
    const make = (o: SchedulerTarget) => new SequentialLR(o, { schedulers: [new LinearLR(o, { startFactor: 0.1, totalIters: 4 }), new CosineAnnealingLR(o, { tMax: 10 })], milestones: [4] });
    const a = make(single), b = make(grouped);
    for (let i = 0; i < 15; i++) {
      expect(a.getLastLr()).toEqual(b.getLastLr());
      expect(single.lr).toBe(grouped.paramGroups[0].lr);
      a.step();
      b.step();
    }
  });

  it('OneCycleLR cycles momentum and beta1 only where the group has them', () => {
    const opt = { paramGroups: [{ lr: 0.1, momentum: 0.5 }, { lr: 0.1, betas: [0.9, 0.999] }, { lr: 0.1 }] as { lr: number; momentum?: number; betas?: number[] }[] };
    const s = new OneCycleLR(opt, { maxLr: 1, totalSteps: 10 });
    expect(opt.paramGroups[0].momentum).toBe(0.95);
    expect(opt.paramGroups[1].betas).toEqual([0.95, 0.999]);
    expect(opt.paramGroups[2]).not.toHaveProperty('momentum');
    for (let i = 0; i < 2; i++) s.step(); // the peak: step pctStart·10 − 1 = 2
    expect(s.getLastMomentum()[0]).toBeCloseTo(0.85, 12);
    expect(s.getLastLr()[0]).toBeCloseTo(1, 12);
    expect(opt.paramGroups[1].betas![1]).toBe(0.999);
    expect(s.getLastMomentum()[2]).toBeNull();
    const off = { paramGroups: [{ lr: 0.1, momentum: 0.5 }] };
    new OneCycleLR(off, { maxLr: 1, totalSteps: 10, cycleMomentum: false }).step();
    expect(off.paramGroups[0].momentum).toBe(0.5);
  });

  it('fit() steps a StepLR once per epoch', async () => {
    const { x, y } = blobs(40, 5, 3);
    const model = new Sequential([new Dense(5, 4, { activation: 'relu' }), new Dense(4, 2)], { seed: 2 });
    const opt = new SGD(model.parameters(), { lr: 0.1 }) as unknown as SchedulerTarget & { step(): void };
    const scheduler = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
    const used: number[] = [];
    const h = await model.fit(x, y, { optimizer: opt, epochs: 5, batchSize: 10, lrScheduler: scheduler, callbacks: { onEpochBegin: () => void used.push(scheduler.getLastLr()[0]) } });
    expect(used).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
    expect(scheduler.lastEpoch).toBe(5);
    if (typeof (opt as { lr?: unknown }).lr === 'number') expect(h.lr).toEqual(used);
  });

  it('fit() feeds ReduceLROnPlateau the validation loss', async () => {
    const { x, y } = blobs(40, 5, 3);
    const model = new Sequential([new Dense(5, 4, { activation: 'relu' }), new Dense(4, 2)], { seed: 2 });
    const opt = new SGD(model.parameters(), { lr: 2 }) as unknown as SchedulerTarget & { step(): void };
    const options = { patience: 0, factor: 0.5, threshold: 0.5 };
    const scheduler = new ReduceLROnPlateau(opt, options);
    const h = await model.fit(x, y, { optimizer: opt, epochs: 6, batchSize: 10, validationSplit: 0.25, lrScheduler: scheduler });
    // The same scheduler fed the recorded validation losses ends in the same state.
    const replayed = new ReduceLROnPlateau({ paramGroups: [{ lr: 2 }] }, options);
    for (const v of h.valLoss) replayed.step(v);
    expect(scheduler.stateDict()).toEqual(replayed.stateDict());
    expect(scheduler.lastEpoch).toBe(6);
    expect(scheduler.getLastLr()[0]).toBeLessThan(2); // it did reduce
  });
});

describe('docs/schedulers.md', () => {
  const doc = readFileSync(path.join(__dirname, '..', 'docs', 'schedulers.md'), 'utf8');
  const blocks = [...doc.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
  it.each(blocks.map((code, i) => [i, code] as const))('example %i runs and prints what its comments say', (_i, code) => {
    const out = execFileSync(process.execPath, ['-e', code], { cwd: path.join(__dirname, '..'), encoding: 'utf8', timeout: 60_000 });
    const promised = [...code.matchAll(/console\.log\(.*?\);?\s*\/\/ (.+)$/gm)].map((m) => m[1].replace(/ \(.*\)$/, '').trim());
    for (const p of promised) expect(out.replace(/\s+/g, ' ')).toContain(p.replace(/\s+/g, ' '));
  });
});
