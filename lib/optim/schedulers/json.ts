/**
 * JSON-safe numbers for scheduler states: ±Infinity and NaN become strings.
 * @packageDocumentation
 */
import type { JsonNumber } from './types';

/** `x` as a JSON-safe value. @internal */
export function encodeNumber(x: number): JsonNumber {
  if (Number.isFinite(x)) return x;
  return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

/** The number `encodeNumber` stored; TypeError naming `name` for anything else. @internal */
export function decodeNumber(value: unknown, name: string): number {
  if (typeof value === 'number') return value;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  if (value === 'NaN') return NaN;
  throw new TypeError(`state '${name}' must be a number (got ${JSON.stringify(value)})`);
}
