/**
 * Looking initializers up by name, so layers can take `'glorotUniform'` or a
 * function interchangeably.
 * @packageDocumentation
 */
import { identity, ones, randomNormal, randomUniform, truncatedNormal, zeros } from './basic';
import type { Initializer } from './common';
import { orthogonal } from './orthogonal';
import {
  glorotNormal, glorotUniform, heNormal, heUniform, lecunNormal, lecunUniform,
} from './variance';

/** Names {@link getInitializer} resolves (Keras snake_case spellings work too). */
export type InitializerName =
  | 'zeros' | 'ones' | 'identity' | 'orthogonal'
  | 'randomUniform' | 'randomNormal' | 'truncatedNormal'
  | 'lecunUniform' | 'lecunNormal' | 'glorotUniform' | 'glorotNormal' | 'heUniform' | 'heNormal'
  | 'xavierUniform' | 'xavierNormal' | 'kaimingUniform' | 'kaimingNormal';

// Keyed by the lower-case name without underscores, so 'glorot_uniform',
// 'GlorotUniform' and 'glorotUniform' all resolve. Factories use defaults.
const TABLE: Record<string, Initializer> = {
  zeros, ones, identity,
  orthogonal: orthogonal(),
  randomuniform: randomUniform(),
  randomnormal: randomNormal(),
  truncatednormal: truncatedNormal(),
  lecununiform: lecunUniform, lecunnormal: lecunNormal,
  glorotuniform: glorotUniform, glorotnormal: glorotNormal,
  heuniform: heUniform, henormal: heNormal,
  xavieruniform: glorotUniform, xaviernormal: glorotNormal,
  kaiminguniform: heUniform, kaimingnormal: heNormal,
};

/**
 * Resolves an initializer given by name or as a function (returned as is).
 *
 * @example
 * ```ts
 * const init = getInitializer(options.kernelInitializer ?? 'glorotUniform');
 * init([inF, outF], { seed, out: weights });
 * ```
 * @throws TypeError when neither a string nor a function; RangeError for an
 *   unknown name.
 */
export function getInitializer(nameOrFn: InitializerName | Initializer): Initializer {
  if (typeof nameOrFn === 'function') return nameOrFn;
  if (typeof nameOrFn !== 'string') {
    throw new TypeError(`getInitializer: expected a name or a function (got ${nameOrFn === null ? 'null' : typeof nameOrFn})`);
  }
  const init = TABLE[nameOrFn.replace(/_/g, '').toLowerCase()];
  if (!init) throw new RangeError(`getInitializer: unknown initializer '${nameOrFn}'`);
  return init;
}
