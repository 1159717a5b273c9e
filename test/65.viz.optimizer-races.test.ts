// Races with the real optimizer classes: thresholds measured with
// scripts/make-figures.js (docs/media/figures.json), with margin.
import { describe, expect, it } from 'vitest';
import { runOptimizerRace } from 'simdtrain';

const byLabel = (race: ReturnType<typeof runOptimizerRace>, prefix: string) => {
  const path = race.paths.find((p) => p.label.startsWith(prefix));
  if (!path) throw new Error(`no racer ${prefix}`);
  return path;
};
const stepLength = (p: { points: number[][] }, k: number) => Math.hypot(p.points[k][0] - p.points[k - 1][0], p.points[k][1] - p.points[k - 1][1]);

describe('optimizer races (real classes)', () => {
  it('Rosenbrock, 1000 steps from (-1.2, 1): Adam and Momentum reach (1, 1), SGD does not', () => {
    const race = runOptimizerRace({ fn: 'rosenbrock', steps: 1000 });
    for (const p of race.paths) expect(p.points[0]).toEqual([Math.fround(-1.2), 1]); // float32 params
    expect(byLabel(race, 'Adam').distanceToMinimum).toBeLessThan(0.05); // measured 0.0079
    expect(byLabel(race, 'Momentum').distanceToMinimum).toBeLessThan(0.05); // measured 0.011
    expect(byLabel(race, 'SGD').distanceToMinimum).toBeGreaterThan(0.5); // measured 1.12
  });

  it("AdaGrad's steps shrink as its sum of squared gradients grows", () => {
    const ada = byLabel(runOptimizerRace({ fn: 'rosenbrock', steps: 1000 }), 'AdaGrad');
    expect(stepLength(ada, 1000)).toBeLessThan(0.5 * stepLength(ada, 250));
  });

  it('Beale, 500 steps: Adam ends within 0.05 of (3, 0.5)', () => {
    const race = runOptimizerRace({ fn: 'beale', steps: 500 });
    expect(byLabel(race, 'Adam').distanceToMinimum).toBeLessThan(0.05); // measured 0.0052
  });

  it('saddle x² − y², 100 steps from just off the ridge: SGD stays near it, momentum and Adam escape', () => {
    const race = runOptimizerRace({ fn: 'saddle', steps: 100 });
    const y = (prefix: string) => Math.abs(byLabel(race, prefix).points[100][1]);
    expect(y('SGD')).toBeLessThan(0.05); // measured 0.0072
    expect(y('Adam')).toBeGreaterThan(1); // measured 2.7
    expect(y('Momentum')).toBeGreaterThan(1); // measured 18
  });
});
