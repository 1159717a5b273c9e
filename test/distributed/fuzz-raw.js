// Adversarial arguments straight into the MPI addon's functions (bypassing
// the TypeScript checks), in a singleton MPI process (no mpirun, size 1):
// every call must return a Promise or throw a TypeError/RangeError, never
// crash; a throwing call changes no array. Prints "fuzz-raw ok <cases>".
'use strict';
const fc = require('fast-check');
const path = require('path');
const { loadMpi } = require(path.join(__dirname, '..', '..', 'dist', 'distributed', 'native.js'));

const m = loadMpi();
const detached = () => {
  const a = new Float32Array(8);
  structuredClone(a.buffer, { transfer: [a.buffer] });
  return a;
};
const values = [
  undefined, null, true, 0, -1, 0.5, 1, 2, 2 ** 31, 2 ** 53, NaN, Infinity, -Infinity, 1e308, '1', 3n, {}, [], [1, 2],
  new Float32Array(0), new Float32Array(5).fill(1), new Float64Array(3).fill(2), new Int32Array(4), new Uint8Array(8),
  new Float32Array(new SharedArrayBuffer(16)), new Float32Array(12).subarray(1, 6), new DataView(new ArrayBuffer(8)), new ArrayBuffer(8),
];
const fns = { allReduce: 3, broadcast: 3, barrier: 1, makeGradHook: 3, reduceBuckets: 2 };
// makeGradHook returns a hook object (frozen); the rest return Promises.
const returnsHook = (name) => name === 'makeGradHook';

(async () => {
  await m.init(30_000);
  // Valid hooks among the values, so reduceBuckets also gets real ones (and
  // makeGradHook valid layouts: [2, 2, 2] inside a Float32Array(5)).
  values.push(m.makeGradHook(new Float32Array(6), new Float64Array([4, 2, 1, 0, 4, 0]), 30_000), Object.freeze({ table: {} }));
  let cases = 0;
  const pending = [];
  fc.assert(
    fc.property(fc.constantFrom(...Object.keys(fns)), fc.array(fc.integer({ min: 0, max: values.length - 1 }), { minLength: 0, maxLength: 4 }), (name, picks) => {
      const args = picks.map((i) => (values[i] instanceof Float32Array && values[i].buffer.byteLength === 0 && i !== 19 ? detached() : values[i]));
      const before = args.map((a) => (ArrayBuffer.isView(a) && !(a instanceof DataView) ? Array.from(a) : null));
      cases++;
      try {
        const p = m[name](...args);
        if (returnsHook(name)) return typeof p === 'object' && Object.isFrozen(p) && typeof p.buckets === 'number';
        if (!(p instanceof Promise)) return false;
        pending.push(p.catch(() => {}));
        return true;
      } catch (e) {
        if (!(e instanceof TypeError || e instanceof RangeError)) throw e;
        return args.every((a, i) => before[i] === null || JSON.stringify(Array.from(a)) === JSON.stringify(before[i]));
      }
    }),
    { numRuns: 3000, seed: 17 },
  );
  await Promise.all(pending);
  // A 1 or 2 ms timeout can legitimately fire and break the communicator;
  // then finalize() refuses (by design) and the process just exits.
  if (!m.info().broken) await m.finalize(30_000);
  console.log(`fuzz-raw ok ${cases}`);
  process.exit(0);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
