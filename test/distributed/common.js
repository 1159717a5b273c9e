// Data and model shared by the MPI test ranks (worker.js) and the
// single-process references computed in test/70.distributed.mpi.test.ts.
'use strict';
const { Adam, Dense, Sequential } = require('simdtrain');

// Deterministic data: rank-independent, so every rank sees the same set.
function dataSet(rows, inF) {
  const x = new Float32Array(rows * inF);
  let s = 12345;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    x[i] = (s / 2 ** 32) * 2 - 1;
  }
  const y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) y[r] = (x[r * inF] + x[r * inF + 1] > 0 ? 1 : 0) + (x[r * inF + 2] > 0.5 ? 1 : 0);
  return { x: { rows, cols: inF, data: x }, y };
}

function checksum(a) {
  const u = new Uint32Array(a.buffer, a.byteOffset, a.length);
  let h = 2166136261;
  for (let i = 0; i < u.length; i++) h = Math.imul(h ^ u[i], 16777619) >>> 0;
  return h;
}

/** The model, optimizer and data of the fit tests (seed: the model's). */
function fitSetup(seed) {
  const { x, y } = dataSet(203, 5);
  const model = new Sequential([new Dense(5, 16, { activation: 'tanh' }), new Dense(16, 3)], { seed });
  const optimizer = new Adam(model.parameters(), { lr: 0.01 });
  return { x, y, model, optimizer, validationData: dataSet(31, 5) };
}

module.exports = { checksum, dataSet, fitSetup };
