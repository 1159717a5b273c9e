/**
 * Named racers for optimizer races: the article's six optimizers (SGD,
 * Momentum, Nesterov, AdaGrad, RMSProp, Adam, plus AdamW and NAdam), the
 * learning rate each uses on each test function, and the parsing of the
 * CLI's `name:key=value` specs.
 * @packageDocumentation
 */
import type { RaceOptimizer, RaceParam, StepOptimizer } from './race';
import { seriesColor } from './palette';

/** An optimizer class as the races use it: `new Class([param], options)`. */
export type OptimizerClass = new (params: RaceParam[], options: Record<string, number | boolean>) => StepOptimizer;

/** The optimizer classes racers are built from (simdtrain's own, passed in by the caller). */
export interface OptimizerClasses {
  /** Stochastic gradient descent (with optional momentum and Nesterov). */
  SGD: OptimizerClass;
  /** AdaGrad. */
  Adagrad: OptimizerClass;
  /** RMSprop. */
  RMSprop: OptimizerClass;
  /** Adam. */
  Adam: OptimizerClass;
  /** AdamW. */
  AdamW: OptimizerClass;
  /** NAdam. */
  NAdam: OptimizerClass;
}

/** What a racer name stands for: which class, fixed options and the legend name. */
const NAMES: Readonly<Record<string, { cls: keyof OptimizerClasses; fixed: Record<string, number | boolean>; display: string }>> = {
  sgd: { cls: 'SGD', fixed: {}, display: 'SGD' },
  momentum: { cls: 'SGD', fixed: { momentum: 0.9 }, display: 'Momentum' },
  nesterov: { cls: 'SGD', fixed: { momentum: 0.9, nesterov: true }, display: 'Nesterov' },
  adagrad: { cls: 'Adagrad', fixed: {}, display: 'AdaGrad' },
  rmsprop: { cls: 'RMSprop', fixed: {}, display: 'RMSProp' },
  adam: { cls: 'Adam', fixed: {}, display: 'Adam' },
  adamw: { cls: 'AdamW', fixed: {}, display: 'AdamW' },
  nadam: { cls: 'NAdam', fixed: {}, display: 'NAdam' },
};

/** Every racer name. */
export const OPTIMIZER_NAMES: readonly string[] = Object.keys(NAMES);

/** The article's set, raced by default. */
export const DEFAULT_OPTIMIZERS: readonly string[] = ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam'];

/**
 * Learning rates per test function, tuned so each optimizer shows its
 * typical behaviour in {@link DEFAULT_STEPS} steps (see docs/visualization.md).
 */
export const DEFAULT_LR: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  beale: { sgd: 0.01, momentum: 0.002, nesterov: 0.002, adagrad: 0.5, rmsprop: 0.02, adam: 0.1, adamw: 0.1, nadam: 0.1 },
  rosenbrock: { sgd: 0.001, momentum: 0.001, nesterov: 0.001, adagrad: 0.5, rmsprop: 0.01, adam: 0.1, adamw: 0.1, nadam: 0.1 },
  saddle: { sgd: 0.01, momentum: 0.01, nesterov: 0.01, adagrad: 0.05, rmsprop: 0.01, adam: 0.02, adamw: 0.02, nadam: 0.02 },
  rastrigin: { sgd: 0.002, momentum: 0.002, nesterov: 0.002, adagrad: 1, rmsprop: 0.1, adam: 0.3, adamw: 0.3, nadam: 0.3 },
};

/** Steps raced by default on each function. */
export const DEFAULT_STEPS: Readonly<Record<string, number>> = { beale: 500, rosenbrock: 1000, saddle: 100, rastrigin: 300 };

/** A racer by name with optional hyper-parameters (passed to the optimizer's constructor). */
export interface OptimizerSpec {
  /** One of {@link OPTIMIZER_NAMES}. */
  name: string;
  /** Learning rate (default: {@link DEFAULT_LR} for the function). */
  lr?: number;
  /** Legend label (default: e.g. `Adam lr=0.1`). */
  label?: string;
  /** Path colour `#rrggbb`. */
  color?: string;
  /** Other constructor options, e.g. `{ momentum: 0.95 }` or `{ betas: … }`. */
  options?: Record<string, number | boolean>;
}

/**
 * Parses a CLI spec `name[:key=value[:key=value…]]`, e.g. `momentum:lr=0.002:momentum=0.95`.
 * Values are numbers, `true` or `false`.
 * @throws RangeError naming `optimizers` for a malformed spec or an unknown name.
 */
export function parseOptimizerSpec(text: string): OptimizerSpec {
  const [name, ...pairs] = text.trim().split(':');
  checkName(name);
  const spec: OptimizerSpec = { name: name.toLowerCase(), options: {} };
  for (const pair of pairs) {
    const m = /^([A-Za-z][A-Za-z0-9]*)=(.+)$/.exec(pair);
    if (!m) throw new RangeError(`'optimizers': expected key=value in ${JSON.stringify(text)}, got ${JSON.stringify(pair)}`);
    const value = m[2] === 'true' ? true : m[2] === 'false' ? false : Number(m[2]);
    if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError(`'optimizers': ${m[1]} must be a number, true or false in ${JSON.stringify(text)}`);
    if (m[1] === 'lr') {
      if (typeof value !== 'number') throw new RangeError(`'optimizers': lr must be a number in ${JSON.stringify(text)}`);
      spec.lr = value;
    } else spec.options![m[1]] = value;
  }
  return spec;
}

function checkName(name: unknown): void {
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(NAMES, name.toLowerCase()))
    throw new RangeError(`'optimizers': unknown optimizer ${JSON.stringify(name)}; known: ${OPTIMIZER_NAMES.join(', ')}`);
}

/**
 * Turns names or specs into racers built from `classes`, with the default
 * learning rate of `fnName` where none is given.
 */
export function resolveRacers(specs: ReadonlyArray<string | OptimizerSpec | RaceOptimizer>, fnName: string, classes: OptimizerClasses): RaceOptimizer[] {
  if (!Array.isArray(specs) || specs.length === 0) throw new TypeError(`'optimizers' must be a non-empty array`);
  return specs.map((s, i) => {
    if (typeof s === 'object' && s !== null && 'create' in s) return s;
    const spec: OptimizerSpec = typeof s === 'string' ? parseOptimizerSpec(s) : s;
    checkName(spec.name);
    const key = spec.name.toLowerCase();
    const entry = NAMES[key];
    const lr = spec.lr ?? DEFAULT_LR[fnName]?.[key] ?? 0.01;
    const options = { ...entry.fixed, ...spec.options, lr };
    const Class = classes[entry.cls];
    const extra = Object.entries(spec.options ?? {}).map(([k, v]) => ` ${k}=${v}`).join('');
    return {
      label: spec.label ?? `${entry.display} lr=${lr}${extra}`,
      color: spec.color ?? seriesColor(i),
      create: (params: RaceParam[]) => new Class(params, options),
    };
  });
}
