/**
 * Option checks shared by the visualization API: a bad option throws a
 * TypeError (wrong kind) or RangeError (bad value) that names it.
 * @packageDocumentation
 */

/** Returns `value` when it is an integer in [min, max], else throws naming `name`. */
export function checkInteger(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number') throw new TypeError(`'${name}' must be a number, got ${typeof value}`);
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`'${name}' must be an integer from ${min} to ${max}, got ${value}`);
  return value;
}

/** Returns `value` when it is a finite number > 0, else throws naming `name`. */
export function checkPositive(name: string, value: unknown): number {
  if (typeof value !== 'number') throw new TypeError(`'${name}' must be a number, got ${typeof value}`);
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`'${name}' must be a finite number > 0, got ${value}`);
  return value;
}
