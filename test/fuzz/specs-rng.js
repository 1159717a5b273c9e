// Fuzz specs: RNG fills, Generator, initializers.
'use strict';
const { rng, f32, size } = require('./spec-util');

const seedOf = (r) => Math.floor(r() * 1e9);
const shapeOf = (r) => [1 + size(r, 12), 1 + size(r, 12)];

module.exports = [
  {
    name: 'rng.uniform',
    make: (s) => { const r = rng(s); return [f32(r, size(r, 200)), -1, 2, seedOf(r)]; },
    call: (m, [out, low, high, seed]) => m.rng.uniform(out, { low, high, seed }),
  },
  {
    name: 'rng.normal',
    make: (s) => { const r = rng(s); return [f32(r, size(r, 200)), 0.5, 2, seedOf(r)]; },
    call: (m, [out, mean, std, seed]) => m.rng.normal(out, { mean, std, seed }),
  },
  {
    name: 'rng.truncatedNormal',
    make: (s) => { const r = rng(s); return [f32(r, size(r, 200)), 0, 1, -1.5, 2, seedOf(r)]; },
    call: (m, [out, mean, std, low, high, seed]) => m.rng.truncatedNormal(out, { mean, std, low, high, seed }),
  },
  {
    name: 'Generator.normal',
    make: (s) => { const r = rng(s); return [seedOf(r), f32(r, size(r, 100)), 1, 3]; },
    call: (m, [seed, out, mean, std]) => new m.Generator(seed).normal(out, { mean, std }),
  },
  {
    name: 'heUniform',
    make: (s) => { const r = rng(s); const shape = shapeOf(r); return [shape, seedOf(r), new Float32Array(shape[0] * shape[1]), 1]; },
    call: (m, [shape, seed, out, gain]) => m.heUniform(shape, { seed, out, gain }),
  },
  {
    name: 'glorotNormal',
    make: (s) => { const r = rng(s); const shape = shapeOf(r); return [shape, seedOf(r), new Float32Array(shape[0] * shape[1])]; },
    call: (m, [shape, seed, out]) => m.glorotNormal(shape, { seed, out }),
  },
  {
    name: 'varianceScaling',
    make: (s) => { const r = rng(s); const shape = shapeOf(r); return [shape, 2, 'fanAvg', 'truncatedNormal', seedOf(r)]; },
    call: (m, [shape, scale, mode, distribution, seed]) => m.varianceScaling({ scale, mode, distribution })(shape, { seed }),
  },
  {
    name: 'orthogonal',
    make: (s) => { const r = rng(s); return [shapeOf(r), 1.5, seedOf(r)]; },
    call: (m, [shape, gain, seed]) => m.orthogonal({ gain })(shape, { seed }),
  },
];
