/**
 * How Dense layers get their initial weights.
 *
 * TEMPORARY: a minimal seeded heUniform / glorotUniform / zeros with the
 * same signature as the initializers of lib/init (`(shape, { seed, out })`);
 * replaced by `getInitializer` from lib/init once that branch is merged.
 * @packageDocumentation
 */

/** Fills a tensor of `shape` (a Dense kernel is `[fanIn, fanOut]`). */
export type InitializerFn = (shape: readonly number[], options?: { seed?: number; out?: Float32Array }) => Float32Array;

/** An initializer name or function. */
export type InitializerLike = string | InitializerFn;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uniform(limitOf: (fanIn: number, fanOut: number) => number): InitializerFn {
  return (shape, options = {}) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const out = options.out ?? new Float32Array(size);
    const fanIn = shape.length > 1 ? shape[0] : size;
    const fanOut = shape.length > 1 ? shape[shape.length - 1] : size;
    const limit = limitOf(fanIn, fanOut);
    const next = mulberry32(options.seed ?? Math.floor(Math.random() * 2 ** 32));
    for (let i = 0; i < size; i++) out[i] = (next() * 2 - 1) * limit;
    return out;
  };
}

const table: Record<string, InitializerFn> = {
  heUniform: uniform((fanIn) => Math.sqrt(6 / fanIn)),
  glorotUniform: uniform((fanIn, fanOut) => Math.sqrt(6 / (fanIn + fanOut))),
  zeros: (shape, options = {}) => {
    const out = options.out ?? new Float32Array(shape.reduce((a, b) => a * b, 1));
    out.fill(0);
    return out;
  },
};

/** Resolves an initializer name or function (TypeError/RangeError naming `what`). */
export function resolveInitializer(init: InitializerLike, what: string): InitializerFn {
  if (typeof init === 'function') return init;
  if (typeof init !== 'string') throw new TypeError(`${what} must be an initializer name or function (got ${typeof init})`);
  const fn = table[init];
  if (!fn) throw new RangeError(`${what}: unknown initializer '${init}' (known: ${Object.keys(table).join(', ')})`);
  return fn;
}
