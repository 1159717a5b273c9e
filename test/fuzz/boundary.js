// Property-based fuzzing of the N-API boundary (fast-check), shared by the
// vitest file test/90.fuzz.boundary.test.ts (few cases) and
// scripts/fuzz-boundary.js (>= 100,000 cases).
//
// For every exported native function a spec builds a VALID argument list;
// fast-check then replaces some arguments with adversarial values (wrong
// types, odd views, detached or shared buffers, NaN/Infinity/negative and
// overflowing sizes, aliases of another argument). The property: the call
// either returns, or throws a TypeError/RangeError, and when it throws no
// Float32Array argument has changed.
'use strict';
const fc = require('fast-check');
const specs = require('./specs');

// ---- adversarial values ---------------------------------------------------
function detachedFloat32(n) {
  const a = new Float32Array(n);
  structuredClone(a.buffer, { transfer: [a.buffer] });
  return a;
}
const badScalars = [NaN, Infinity, -Infinity, -1, -0.5, 0.5, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 64, -(2 ** 53), 1e308, '3', null, undefined, true, {}, [], 3n];
const badArrays = (n) => [
  Array.from({ length: n }, () => 1),
  new Float64Array(n),
  new Int32Array(n),
  new Uint8Array(n * 4),
  'not an array',
  { length: n, 0: 1 },
  null,
  undefined,
  42,
  detachedFloat32(n),
  new DataView(new ArrayBuffer(4 * n)),
  new ArrayBuffer(4 * n),
];

/** An adversarial replacement for argument `i` of `args`. */
function mutationArb(args) {
  const n = 1 + Math.max(0, ...args.filter((a) => a instanceof Float32Array).map((a) => a.length));
  const arrays = args.map((a, i) => [a, i]).filter(([a]) => a instanceof Float32Array && a.buffer.byteLength > 0);
  const options = [
    fc.constantFrom(...badScalars),
    fc.constantFrom(...badArrays(n)),
    fc.integer({ min: 0, max: 4 }).map((off) => new Float32Array(n + 8).subarray(off, off + Math.max(0, n - off))),
    fc.constant(new Float32Array(new SharedArrayBuffer(4 * n))),
    fc.constant(new Float32Array(0)),
  ];
  if (arrays.length) {
    // Another argument's buffer, exactly or shifted by a few floats (aliasing).
    options.push(
      fc.tuple(fc.constantFrom(...arrays), fc.integer({ min: 0, max: 3 })).map(([[a], shift]) => {
        const start = Math.min(shift, a.length);
        return new Float32Array(a.buffer, a.byteOffset + 4 * start, a.length - start);
      }),
    );
  }
  return fc.oneof(...options);
}

function snapshot(args) {
  // Only arrays that are still attached can be copied and compared.
  return args.map((a) => (a instanceof Float32Array && a.buffer.byteLength > 0 ? Float32Array.from(a) : null));
}
function sameBits(a, b) {
  if (a.length !== b.length) return false;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return false;
  return true;
}
function walkObjects(args) {
  // Float32Arrays nested one level in option objects or arrays count as arguments too.
  const out = [];
  for (const a of args) {
    out.push(a);
    if (a && typeof a === 'object' && !(a instanceof Float32Array) && !ArrayBuffer.isView(a)) {
      for (const v of Object.values(a)) if (v instanceof Float32Array) out.push(v);
    }
  }
  return out;
}

/** fast-check property for one spec. */
function boundaryProperty(simd, spec) {
  return fc.property(
    fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    fc.integer({ min: 0, max: 3 }),
    fc.infiniteStream(fc.integer({ min: 0, max: 1000 })),
    (seed, mutations, picks) => {
      const args = spec.make(seed);
      const it = picks[Symbol.iterator]();
      for (let m = 0; m < mutations; m++) {
        const i = it.next().value % args.length;
        args[i] = fc.sample(mutationArb(args), { seed: seed + m, numRuns: 1 })[0];
      }
      const flat = walkObjects(args);
      const before = snapshot(flat);
      let threw = null;
      try {
        const result = spec.call(simd, args);
        if (result && typeof result.then === 'function') result.catch(() => {});
      } catch (e) {
        threw = e;
      }
      if (threw) {
        if (!(threw instanceof TypeError || threw instanceof RangeError)) {
          throw new Error(`${spec.name} threw ${threw && threw.constructor && threw.constructor.name}: ${threw && threw.message}`);
        }
        const after = snapshot(flat);
        before.forEach((b, i) => {
          if (b && after[i] && !sameBits(b, after[i])) throw new Error(`${spec.name} threw "${threw.message}" but changed argument ${i}`);
        });
      }
      return true;
    },
  );
}

/** Runs `runsPerSpec` cases for every spec; returns the total number of cases. */
function fuzzBoundary(simd, runsPerSpec, seed = 1) {
  let total = 0;
  for (const spec of specs.all()) {
    fc.assert(boundaryProperty(simd, spec), { numRuns: runsPerSpec, seed });
    total += runsPerSpec;
  }
  return total;
}

module.exports = { fuzzBoundary, specs };
