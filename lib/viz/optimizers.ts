/**
 * Optimizer races with simdtrain's own optimizer classes: the default entry
 * point of the race API and of `simdtrain viz`.
 * @packageDocumentation
 */
import { Adagrad, Adam, AdamW, NAdam, RMSprop, SGD } from '../optim';
import { runRace, type RaceOptimizer, type RaceResult } from './race';
import { DEFAULT_OPTIMIZERS, DEFAULT_STEPS, resolveRacers, type OptimizerClasses, type OptimizerSpec } from './racers';
import { getTestFunction, type Point, type TestFunction } from './testFunctions';

/** simdtrain's optimizer classes, as races build them. */
export const SIMDTRAIN_OPTIMIZERS: OptimizerClasses = { SGD, Adagrad, RMSprop, Adam, AdamW, NAdam } as unknown as OptimizerClasses;

/** Options of {@link runOptimizerRace}. */
export interface OptimizerRaceOptions {
  /** Test function or its name (`beale`, `rosenbrock`, `saddle`, `rastrigin`). */
  fn: string | TestFunction;
  /** Racers: names (`adam`), specs (`adam:lr=0.05`, `{ name: 'adam', lr: 0.05 }`) or custom racers. Default: the article's six. */
  optimizers?: ReadonlyArray<string | OptimizerSpec | RaceOptimizer>;
  /** Steps per optimizer (default per function, see DEFAULT_STEPS). */
  steps?: number;
  /** Start point (default per function). */
  start?: Point;
}

/**
 * Races simdtrain's optimizers on a 2-D test function.
 *
 * @example
 * ```ts
 * const race = runOptimizerRace({ fn: 'rosenbrock', optimizers: ['sgd', 'adam:lr=0.1'], steps: 1000 });
 * console.log(race.paths.map((p) => [p.label, p.distanceToMinimum]));
 * ```
 */
export function runOptimizerRace(options: OptimizerRaceOptions): RaceResult {
  const fn = getTestFunction(options.fn);
  const optimizers = resolveRacers(options.optimizers ?? DEFAULT_OPTIMIZERS, fn.name, SIMDTRAIN_OPTIMIZERS);
  return runRace({ fn, optimizers, steps: options.steps ?? DEFAULT_STEPS[fn.name] ?? 300, start: options.start });
}
