/**
 * How Dense layers resolve their initializers: names or functions, through
 * lib/init's `getInitializer` (counter-based RNG, seeded per tensor).
 * @packageDocumentation
 */
import { getInitializer, type Initializer, type InitializerName } from '../init';

/** A Dense kernel/bias initializer: `(shape, { seed, out }) => Float32Array`. */
export type InitializerFn = Initializer;

/** An initializer name (e.g. `'heUniform'`) or function. */
export type InitializerLike = InitializerName | Initializer;

/** Resolves an initializer; errors name the option (`what`). @internal */
export function resolveInitializer(init: InitializerLike, what: string): InitializerFn {
  try {
    return getInitializer(init);
  } catch (e) {
    const err = e as Error;
    throw new (err instanceof RangeError ? RangeError : TypeError)(`${what}: ${err.message}`);
  }
}
