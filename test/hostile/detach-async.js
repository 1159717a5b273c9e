// Class 2: buffers detached, transferred or shrunk while async work is pending.
'use strict';
const { simd, asyncCase, gcPressure, detach } = require('./probe-util');

const n = 320;
const fresh = () => Float32Array.from({ length: n * n }, (_, i) => (i % 7) - 3);
const gemm = (a, b, c, beta = 0) => simd.sgemmAsync(false, false, n, n, n, 1, a, n, b, n, beta, c, n);

(async () => {
  for (const [who, idx] of [['A', 0], ['B', 1], ['C', 2]]) {
    await asyncCase(`transfer ${who} while sgemmAsync is pending`, async () => {
      const arrays = [fresh(), fresh(), new Float32Array(n * n)];
      const p = gemm(...arrays, 1);
      detach(arrays[idx].buffer); // the transferred copy is dropped at once
      gcPressure();
      await p;
    });
    await asyncCase(`resize(0) ${who} while sgemmAsync is pending`, async () => {
      const arrays = [fresh(), fresh(), new Float32Array(n * n)];
      const rab = new ArrayBuffer(4 * n * n, { maxByteLength: 8 * n * n });
      const view = new Float32Array(rab);
      view.set(arrays[idx]);
      arrays[idx] = view;
      const p = gemm(...arrays, 1);
      rab.resize(0);
      await p;
    });
  }
  await asyncCase('length-tracking C shrunk, then grown back while pending', async () => {
    const rab = new ArrayBuffer(4 * n * n, { maxByteLength: 8 * n * n });
    const c = new Float32Array(rab);
    const p = gemm(fresh(), fresh(), c);
    rab.resize(4);
    rab.resize(8 * n * n);
    await p;
  });
  await asyncCase('dropped arrays under GC pressure', async () => {
    const p = gemm(fresh(), fresh(), new Float32Array(n * n));
    gcPressure(80);
    await p;
  });
  await asyncCase('matmulAsync with transferred inputs and output', async () => {
    const a = simd.matrix(n, n, fresh());
    const b = simd.matrix(n, n, fresh());
    const out = simd.matrix(n, n);
    const p = simd.matmulAsync(a, b, { out, bias: new Float32Array(n) });
    detach(a.data.buffer);
    detach(out.data.buffer);
    gcPressure();
    await p;
  });
  // The result still arrives when nothing was disturbed.
  const a = fresh(), b = fresh(), c = new Float32Array(n * n), ref = new Float32Array(n * n);
  const p = gemm(a, b, c);
  simd.sgemm(false, false, n, n, n, 1, a, n, b, n, 0, ref, n);
  await p;
  if (c.some((v, i) => v !== ref[i])) throw new Error('sgemmAsync result differs from sgemm');
  // A shrunk output is reported, not written past its end.
  const rab = new ArrayBuffer(4 * n * n, { maxByteLength: 4 * n * n });
  const pending = gemm(fresh(), fresh(), new Float32Array(rab));
  rab.resize(0);
  const outcome = await pending.then(() => 'resolved', (e) => e);
  if (!(outcome instanceof RangeError) || !/'C'/.test(outcome.message)) throw new Error(`shrunk C: expected a RangeError naming 'C', got ${outcome}`);
  console.log('ok shrunk C is reported');
  console.log('done');
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
