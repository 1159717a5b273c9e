// Property-based fuzzing of the N-API boundary (fast-check), shared by the
// vitest file test/90.fuzz.boundary.test.ts (few cases) and
// scripts/fuzz-boundary.js (>= 100,000 cases).
//
// For every exported native function a spec builds a VALID argument list;
// fast-check then replaces some arguments with adversarial values (wrong
// types, odd views, detached or shared buffers, NaN/Infinity/negative and
// overflowing sizes, aliases of another argument) and hostile ones (issue
// #13): arrays on resizable buffers, and values whose getters, valueOf or
// Proxy traps detach or shrink another argument *during* the call; async
// calls also get their arrays detached or shrunk while they are pending.
// The property: the call either returns, or throws a TypeError/RangeError,
// and when it throws no (still attached) Float32Array argument has changed;
// an async call settles, rejecting only with TypeError/RangeError.
'use strict';
const fc = require('fast-check');
const { types } = require('node:util');
const { Worker } = require('node:worker_threads');
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

// ---- hostile values (issue #13) ---------------------------------------------
/** Pulls an array's memory away: resize(0) if resizable, else detach by transfer. */
function sabotage(a) {
  if (!(a instanceof Float32Array)) return;
  const buf = a.buffer;
  if (typeof SharedArrayBuffer !== 'undefined' && buf instanceof SharedArrayBuffer) return; // cannot be taken away
  if (buf.resizable) buf.resize(0);
  else if (buf.byteLength > 0) structuredClone(buf, { transfer: [buf] });
}
/** A copy of `a` on a resizable ArrayBuffer (length-tracking view). */
function resizable(a) {
  const buf = new ArrayBuffer(a.byteLength, { maxByteLength: 2 * a.byteLength + 8 });
  const out = new Float32Array(buf);
  out.set(a);
  return out;
}
/** Values that run code mid-call; `victim()` picks the argument to sabotage then. */
const hostileValues = (victim) => [
  { [Symbol.toPrimitive]: () => (sabotage(victim()), 1), valueOf: () => (sabotage(victim()), 1) },
  new Proxy({}, { get: () => (sabotage(victim()), undefined), has: () => (sabotage(victim()), false), ownKeys: () => (sabotage(victim()), []) }),
  Object.defineProperty([], 0, { get: () => (sabotage(victim()), new Float32Array(4)), enumerable: true }),
  { get bias() { sabotage(victim()); return undefined; }, get activation() { sabotage(victim()); return 'relu'; } },
];
/** Unexpected async rejections (anything but TypeError/RangeError), for the caller to check. */
const unexpectedRejections = [];

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
    const victim = () => arrays[Math.floor(Math.random() * arrays.length)][0];
    options.push(fc.constantFrom(...hostileValues(victim)));
    options.push(fc.constantFrom(...arrays).map(([a]) => resizable(a)));
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
  // Data properties only: a getter or Proxy trap must first run inside the call.
  for (const a of args) {
    out.push(a);
    if (a && typeof a === 'object' && !(a instanceof Float32Array) && !ArrayBuffer.isView(a) && !types.isProxy(a)) {
      for (const d of Object.values(Object.getOwnPropertyDescriptors(a))) if (d.value instanceof Float32Array) out.push(d.value);
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
    fc.boolean(),
    (seed, mutations, picks, disturbPending) => {
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
        if (result && typeof result.then === 'function') {
          result.catch((e) => {
            if (!(e instanceof TypeError || e instanceof RangeError)) unexpectedRejections.push(`${spec.name}: ${e && e.constructor && e.constructor.name}: ${e && e.message}`);
          });
          // Take the memory away while the work is pending.
          if (disturbPending) for (const a of flat) sabotage(a);
        }
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

/**
 * Workers terminated mid-call: each of `workers` Workers loads the package
 * and fuzzes every spec (sync and async calls) until it is terminated after
 * a random delay of up to `maxMs`. Resolves when all have exited; a crash
 * or abort takes the whole process down instead.
 */
async function fuzzWorkersTerminated(packagePath, workers, maxMs, seed = 1) {
  const code = `
    const { workerData } = require('node:worker_threads');
    const simd = require(workerData.packagePath);
    const { fuzzBoundary } = require(workerData.boundary);
    require('node:worker_threads').parentPort.postMessage('ready');
    const n = 96, a = new Float32Array(n * n).fill(1);
    for (let round = 0; ; round++) {
      // Keep larger async work pending too, so termination finds some in flight.
      for (let i = 0; i < 8; i++) simd.sgemmAsync(false, false, n, n, n, 1, a, n, a, n, 0, new Float32Array(n * n), n).catch(() => {});
      fuzzBoundary(simd, 5, workerData.seed + round);
    }
  `;
  const one = (i) =>
    new Promise((resolve, reject) => {
      const w = new Worker(code, { eval: true, workerData: { packagePath, boundary: __filename, seed: seed + 1000 * i } });
      w.on('error', (e) => (/Aborted|terminated/.test(String(e)) ? resolve() : reject(e)));
      w.on('exit', resolve);
      w.once('message', () => setTimeout(() => w.terminate(), ((seed * 7919 + i * 104729) % maxMs) + 1));
    });
  await Promise.all(Array.from({ length: workers }, (_, i) => one(i)));
}

module.exports = { fuzzBoundary, fuzzWorkersTerminated, specs, unexpectedRejections };
