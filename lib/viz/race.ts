/**
 * Optimizer races: several optimizers start from one point of a 2-D test
 * function and take `steps` steps each; the path of every one is recorded.
 * @packageDocumentation
 */
import { checkInteger } from './validate';
import { getTestFunction, type Point, type TestFunction } from './testFunctions';

/** A trainable tensor as the optimizers see it: values and their gradient. */
export interface RaceParam {
  /** Current values (here the point [x, y]). */
  data: Float32Array;
  /** Gradient of the loss, written before every `step()`. */
  grad: Float32Array;
  /** Optional name. */
  name?: string;
}

/** Anything with a `step()` that updates its parameters from their `grad`. */
export interface StepOptimizer {
  /** Applies one update to the parameters from their current gradient. */
  step(): void;
}

/** One racer: a label, an optional colour and a factory for its optimizer. */
export interface RaceOptimizer {
  /** Legend label, e.g. `Adam lr=0.05`. */
  label: string;
  /** Path colour (`#rrggbb`); the palette is used when omitted. */
  color?: string;
  /** Builds the optimizer over the single 2-element parameter of the race. */
  create(params: RaceParam[]): StepOptimizer;
}

/** Options of {@link runRace}. */
export interface RaceOptions {
  /** Test function or its name (`beale`, `rosenbrock`, `saddle`, `rastrigin`). */
  fn: string | TestFunction;
  /** The racers. */
  optimizers: RaceOptimizer[];
  /** Steps per optimizer, an integer ≥ 1. */
  steps: number;
  /** Start point; default: the function's own start. */
  start?: Point;
}

/** The recorded run of one optimizer. */
export interface RacePath {
  /** The racer's label. */
  label: string;
  /** The racer's colour, if it gave one. */
  color?: string;
  /** Points visited: `points[0]` is the start, `points[k]` the point after step k. */
  points: Point[];
  /** f at each point. */
  values: number[];
  /** True when the run left the finite numbers and stopped early. */
  diverged: boolean;
  /** Euclidean distance from the last point to the function's minimum (null when it has none or diverged). */
  distanceToMinimum: number | null;
}

/** The outcome of a race. */
export interface RaceResult {
  /** The function raced on. */
  fn: TestFunction;
  /** The start point used. */
  start: Point;
  /** Steps requested. */
  steps: number;
  /** One path per optimizer, in the order given. */
  paths: RacePath[];
}

/** Throws unless `steps` is an integer from 1 to 1e6. */
export function checkSteps(steps: unknown): number {
  return checkInteger('steps', steps, 1, 1e6);
}

/** Throws unless `start` is two finite numbers. */
export function checkStart(start: unknown): Point {
  if (!Array.isArray(start) || start.length !== 2) throw new TypeError(`'start' must be an [x, y] pair`);
  if (!start.every((v) => typeof v === 'number' && Number.isFinite(v))) throw new RangeError(`'start' must hold two finite numbers, got [${start.join(', ')}]`);
  return [start[0], start[1]];
}

/**
 * Runs every optimizer from the start point for `steps` steps. Each step
 * computes the analytic gradient at the current point, writes it into the
 * parameter's `grad` and calls `step()`. A run whose point stops being
 * finite is cut there and marked `diverged`.
 */
export function runRace(options: RaceOptions): RaceResult {
  const fn = getTestFunction(options.fn);
  const steps = checkSteps(options.steps);
  const start = options.start === undefined ? fn.start : checkStart(options.start);
  if (!Array.isArray(options.optimizers) || options.optimizers.length === 0) throw new TypeError(`'optimizers' must be a non-empty array`);
  const paths = options.optimizers.map((racer) => runOne(fn, racer, steps, start));
  return { fn, start, steps, paths };
}

function runOne(fn: TestFunction, racer: RaceOptimizer, steps: number, start: Point): RacePath {
  const param: RaceParam = { data: Float32Array.from(start), grad: new Float32Array(2), name: 'xy' };
  const optimizer = racer.create([param]);
  const points: Point[] = [[param.data[0], param.data[1]]];
  const values = [fn.value(param.data[0], param.data[1])];
  let diverged = false;
  for (let k = 0; k < steps; k++) {
    const [gx, gy] = fn.gradient(param.data[0], param.data[1]);
    param.grad[0] = gx;
    param.grad[1] = gy;
    optimizer.step();
    const x = param.data[0];
    const y = param.data[1];
    const v = fn.value(x, y);
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(v)) {
      diverged = true;
      break;
    }
    points.push([x, y]);
    values.push(v);
  }
  const last = points[points.length - 1];
  const distanceToMinimum = fn.minimum && !diverged ? Math.hypot(last[0] - fn.minimum[0], last[1] - fn.minimum[1]) : null;
  return { label: racer.label, color: racer.color, points, values, diverged, distanceToMinimum };
}
