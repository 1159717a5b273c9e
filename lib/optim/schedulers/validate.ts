/**
 * Option checks shared by the schedulers: TypeError for a wrong kind,
 * RangeError for a bad value; messages start with the scheduler's name and
 * name the option (`StepLR: 'stepSize' must be an integer >= 1 (got 0)`).
 * @packageDocumentation
 */

/** Bounds for {@link num}. @internal */
export interface NumBounds {
  /** Smallest allowed value (inclusive unless `minExclusive`). */
  min?: number;
  /** Largest allowed value (inclusive unless `maxExclusive`). */
  max?: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
}

/** The options object with only `allowed` keys; `undefined` counts as `{}`. @internal */
export function optionsObject(who: string, options: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new TypeError(`${who}: 'options' must be an object`);
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw new TypeError(`${who}: unknown option '${key}' (known: ${allowed.join(', ')})`);
  }
  return options as Record<string, unknown>;
}

function describe(b: NumBounds): string {
  const parts: string[] = [];
  if (b.min !== undefined) parts.push(`${b.minExclusive ? '>' : '>='} ${b.min}`);
  if (b.max !== undefined) parts.push(`${b.maxExclusive ? '<' : '<='} ${b.max}`);
  return parts.join(' and ');
}

/** A finite number within `bounds`; `fallback` when undefined (required when no fallback). @internal */
export function num(who: string, value: unknown, name: string, bounds: NumBounds, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (value === undefined) throw new TypeError(`${who}: '${name}' is required`);
  if (typeof value !== 'number') throw new TypeError(`${who}: '${name}' must be a number (got ${typeof value})`);
  const { min, max } = bounds;
  const ok =
    Number.isFinite(value) &&
    (min === undefined || (bounds.minExclusive ? value > min : value >= min)) &&
    (max === undefined || (bounds.maxExclusive ? value < max : value <= max));
  const range = describe(bounds);
  if (!ok) throw new RangeError(`${who}: '${name}' must be a finite number${range ? ' ' + range : ''} (got ${value})`);
  return value;
}

/** An integer >= `min`; `fallback` when undefined (required when no fallback). @internal */
export function int(who: string, value: unknown, name: string, min: number, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (value === undefined) throw new TypeError(`${who}: '${name}' is required`);
  if (typeof value !== 'number') throw new TypeError(`${who}: '${name}' must be a number (got ${typeof value})`);
  if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`${who}: '${name}' must be an integer >= ${min} (got ${value})`);
  return value;
}

/** One of `choices`; `fallback` when undefined. @internal */
export function oneOf<T extends string>(who: string, value: unknown, name: string, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string') throw new TypeError(`${who}: '${name}' must be a string (got ${typeof value})`);
  if (!(choices as readonly string[]).includes(value)) throw new RangeError(`${who}: unknown ${name} '${value}' (expected ${choices.map((c) => `'${c}'`).join(' or ')})`);
  return value as T;
}

/** A boolean; `fallback` when undefined. @internal */
export function bool(who: string, value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`${who}: '${name}' must be a boolean (got ${typeof value})`);
  return value;
}

/**
 * A per-group value: one number for every group, or an array with one per
 * group; each checked like {@link num}. @internal
 */
export function perGroup(who: string, value: unknown, name: string, groups: number, bounds: NumBounds, fallback?: number): number[] {
  if (Array.isArray(value)) {
    if (value.length !== groups) throw new RangeError(`${who}: '${name}' must have one value per param group (${groups}), got ${value.length}`);
    return value.map((v, i) => num(who, v, `${name}[${i}]`, bounds));
  }
  return new Array<number>(groups).fill(num(who, value, name, bounds, fallback));
}

/** Strictly increasing integers >= `min`. @internal */
export function increasingInts(who: string, value: unknown, name: string, min: number): number[] {
  if (!Array.isArray(value)) throw new TypeError(`${who}: '${name}' must be an array of integers`);
  value.forEach((v, i) => {
    int(who, v, `${name}[${i}]`, min);
    if (i > 0 && v <= value[i - 1]) throw new RangeError(`${who}: '${name}' must be strictly increasing (got ${JSON.stringify(value)})`);
  });
  return value.slice() as number[];
}
