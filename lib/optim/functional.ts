/**
 * Stateless optimizer steps on raw Float32Arrays, for other tools that keep
 * their own state ("drop-in backend"). Each function updates `param` and the
 * state buffers in place with exactly the kernel and scalars of the matching
 * class; `step` is the 1-based number of this step (bias corrections use it).
 *
 * @example
 * ```ts
 * const m = new Float32Array(n), v = new Float32Array(n);
 * for (let t = 1; t <= 100; t++) adamStep(w, g, m, v, { lr: 1e-3, step: t });
 * ```
 * @packageDocumentation
 */
import type { Param } from '../nn/types';
import { Adam, AdamW } from './adam';
import { Adadelta, Adagrad, RMSprop } from './adaptive';
import { Adamax, NAdam, RAdam } from './adam_variants';
import { LAMB, Lion } from './lion_lamb';
import { adoptState, BaseOptions, Optimizer, StepResult } from './optimizer';
import { SGD } from './sgd';

type Ctor<O extends BaseOptions> = new (params: Param[], options?: Partial<O>) => Optimizer<O>;

function checkStep(step: unknown, fn: string): number {
  if (typeof step !== 'number' || !Number.isSafeInteger(step) || step < 1) throw new RangeError(`${fn}: 'step' must be an integer >= 1 (got ${step})`);
  return step;
}

function run<O extends BaseOptions>(
  fn: string,
  ctor: Ctor<O>,
  options: Partial<O>,
  param: Float32Array,
  grad: Float32Array,
  buffers: Array<Float32Array | null>,
  step: number,
  scalars: Record<string, number> = {},
): StepResult {
  if (!(param instanceof Float32Array)) throw new TypeError(`${fn}: 'param' must be a Float32Array`);
  const p: Param = { data: param, grad };
  const opt = new ctor([p], options);
  adoptState(opt, p, { step: checkStep(step, fn) - 1, buffers: [...buffers, null, null, null].slice(0, 3), scalars });
  return opt.step();
}

const need = (b: unknown, name: string, fn: string): Float32Array => {
  if (!(b instanceof Float32Array)) throw new TypeError(`${fn}: '${name}' must be a Float32Array`);
  return b;
};

/** Options of the Adam-family functions: the class options plus the step number. */
export type StepOptions<O> = Partial<O> & { step: number };

/** One SGD step; `momentumBuffer` is required when `momentum > 0` (pass `firstStep: true` on its first use). */
export function sgdStep(param: Float32Array, grad: Float32Array, momentumBuffer: Float32Array | null, options: Partial<import('./sgd').SGDOptions> & { firstStep?: boolean } = {}): void {
  const { firstStep, ...rest } = options;
  run('sgdStep', SGD, rest, param, grad, [momentumBuffer], 1, firstStep === false || (firstStep === undefined && momentumBuffer) ? { momentumStarted: 1 } : {});
}

/** One Adam step (`decoupled: true` for AdamW; `maxV` required with `amsgrad`). */
export function adamStep(
  param: Float32Array,
  grad: Float32Array,
  m: Float32Array,
  v: Float32Array,
  options: StepOptions<import('./adam').AdamOptions> & { decoupled?: boolean; maxV?: Float32Array },
): void {
  const { step, decoupled, maxV, ...rest } = options;
  if (rest.amsgrad) need(maxV, 'maxV', 'adamStep');
  run('adamStep', decoupled ? AdamW : Adam, { weightDecay: 0, ...rest }, param, grad, [need(m, 'm', 'adamStep'), need(v, 'v', 'adamStep'), maxV ?? null], step);
}

/** One Adagrad step (`sum` starts at initialAccumulatorValue). */
export function adagradStep(param: Float32Array, grad: Float32Array, sum: Float32Array, options: StepOptions<import('./adaptive').AdagradOptions>): void {
  const { step, ...rest } = options;
  run('adagradStep', Adagrad, rest, param, grad, [need(sum, 'sum', 'adagradStep')], step);
}

/** One RMSprop step (`momentumBuffer` with momentum > 0, `gradAvg` when centered). */
export function rmspropStep(
  param: Float32Array,
  grad: Float32Array,
  squareAvg: Float32Array,
  options: Partial<import('./adaptive').RMSpropOptions> & { momentumBuffer?: Float32Array; gradAvg?: Float32Array },
): void {
  const { momentumBuffer, gradAvg, ...rest } = options;
  run('rmspropStep', RMSprop, rest, param, grad, [need(squareAvg, 'squareAvg', 'rmspropStep'), momentumBuffer ?? null, gradAvg ?? null], 1);
}

/** One Adadelta step. */
export function adadeltaStep(param: Float32Array, grad: Float32Array, squareAvg: Float32Array, accDelta: Float32Array, options: Partial<import('./adaptive').AdadeltaOptions> = {}): void {
  run('adadeltaStep', Adadelta, options, param, grad, [need(squareAvg, 'squareAvg', 'adadeltaStep'), need(accDelta, 'accDelta', 'adadeltaStep')], 1);
}

/** One Adamax step (`u` is the infinity-norm state). */
export function adamaxStep(param: Float32Array, grad: Float32Array, m: Float32Array, u: Float32Array, options: StepOptions<import('./adam_variants').AdamLikeOptions>): void {
  const { step, ...rest } = options;
  run('adamaxStep', Adamax, rest, param, grad, [need(m, 'm', 'adamaxStep'), need(u, 'u', 'adamaxStep')], step);
}

/**
 * One NAdam step. `muProduct` is the product of the momentum schedule over
 * the previous steps (1 before the first); returns the new product to pass next time.
 */
export function nadamStep(
  param: Float32Array,
  grad: Float32Array,
  m: Float32Array,
  v: Float32Array,
  options: StepOptions<import('./adam_variants').NAdamOptions> & { muProduct?: number },
): number {
  const { step, muProduct, ...rest } = options;
  const scalars: Record<string, number> = muProduct === undefined ? {} : { muProduct };
  run('nadamStep', NAdam, rest, param, grad, [need(m, 'm', 'nadamStep'), need(v, 'v', 'nadamStep')], step, scalars);
  return scalars.muProduct;
}

/** One RAdam step. */
export function radamStep(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, options: StepOptions<import('./adam_variants').AdamLikeOptions>): void {
  const { step, ...rest } = options;
  run('radamStep', RAdam, rest, param, grad, [need(m, 'm', 'radamStep'), need(v, 'v', 'radamStep')], step);
}

/** One Lion step. */
export function lionStep(param: Float32Array, grad: Float32Array, m: Float32Array, options: Partial<import('./lion_lamb').LionOptions> = {}): void {
  run('lionStep', Lion, options, param, grad, [need(m, 'm', 'lionStep')], 1);
}

/** One LAMB step (the trust ratio is computed over this one tensor). */
export function lambStep(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, options: StepOptions<import('./lion_lamb').LAMBOptions>): void {
  const { step, ...rest } = options;
  run('lambStep', LAMB, rest, param, grad, [need(m, 'm', 'lambStep'), need(v, 'v', 'lambStep')], step);
}
