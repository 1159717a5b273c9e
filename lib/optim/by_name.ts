/**
 * Optimizers by name, with the learning rates that work for an MLP on MNIST:
 * what `simdtrain train --optimizer` and `simdtrain compare` use.
 * @packageDocumentation
 */
import type { Param } from '../nn/types';
import { Adam, AdamW } from './adam';
import { Adadelta, Adagrad, RMSprop } from './adaptive';
import { Adamax, NAdam, RAdam } from './adam_variants';
import { LAMB, Lion } from './lion_lamb';
import { SGD } from './sgd';
import type { Optimizer } from './optimizer';

type Factory = (params: Param[], lr: number) => Optimizer<{ lr: number; weightDecay: number; maximize: boolean }>;

/** name → [default lr, factory]. Momentum and Nesterov are SGD with μ = 0.9 (the article's names). */
export const OPTIMIZERS_BY_NAME: Record<string, [number, Factory]> = {
  sgd: [0.1, (p, lr) => new SGD(p, { lr })],
  momentum: [0.01, (p, lr) => new SGD(p, { lr, momentum: 0.9 })],
  nesterov: [0.01, (p, lr) => new SGD(p, { lr, momentum: 0.9, nesterov: true })],
  adagrad: [0.01, (p, lr) => new Adagrad(p, { lr })],
  rmsprop: [1e-3, (p, lr) => new RMSprop(p, { lr })],
  adadelta: [1.0, (p, lr) => new Adadelta(p, { lr })],
  adam: [1e-3, (p, lr) => new Adam(p, { lr })],
  adamw: [1e-3, (p, lr) => new AdamW(p, { lr })],
  adamax: [2e-3, (p, lr) => new Adamax(p, { lr })],
  nadam: [2e-3, (p, lr) => new NAdam(p, { lr })],
  radam: [1e-3, (p, lr) => new RAdam(p, { lr })],
  lion: [1e-4, (p, lr) => new Lion(p, { lr })],
  lamb: [1e-3, (p, lr) => new LAMB(p, { lr })],
};

/** Builds the optimizer `name` (case-insensitive) over `params`; lr defaults per optimizer. */
export function optimizerByName(name: string, params: Param[], lr?: number): Optimizer<{ lr: number; weightDecay: number; maximize: boolean }> {
  const entry = OPTIMIZERS_BY_NAME[String(name).toLowerCase()];
  if (!entry) throw new RangeError(`unknown optimizer '${name}' (one of ${Object.keys(OPTIMIZERS_BY_NAME).join(', ')})`);
  return entry[1](params, lr ?? entry[0]);
}
