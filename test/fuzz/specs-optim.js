// Fuzz specs: optimizer steps (classes and stateless functions), clipping.
'use strict';
const { rng, f32, size } = require('./spec-util');

const names = ['SGD', 'Adagrad', 'RMSprop', 'Adadelta', 'Adam', 'AdamW', 'Adamax', 'NAdam', 'RAdam', 'Lion', 'LAMB'];

module.exports = [
  ...names.map((name) => ({
    name: `${name}.step`,
    make: (s) => {
      const r = rng(s);
      const n = size(r, 40);
      return [f32(r, n), f32(r, n), r() * 0.1, r() < 0.5 ? 0 : r() * 0.1];
    },
    call: (m, [data, grad, lr, weightDecay]) => new m[name]([{ data, grad }], { lr, weightDecay }).step(),
  })),
  {
    name: 'adamStep',
    make: (s) => { const r = rng(s); const n = size(r, 40); return [f32(r, n), f32(r, n), new Float32Array(n), new Float32Array(n), 1 + size(r, 5), 1e-3]; },
    call: (m, [p, g, mm, v, step, lr]) => m.adamStep(p, g, mm, v, { step, lr }),
  },
  {
    name: 'clipGradNorm',
    make: (s) => { const r = rng(s); return [f32(r, size(r, 30)), f32(r, size(r, 30)), 0.5, 2]; },
    call: (m, [g1, g2, maxNorm, normType]) => m.clipGradNorm([{ data: new Float32Array(g1.length), grad: g1 }, { data: new Float32Array(g2 ? g2.length : 0), grad: g2 }], maxNorm, normType),
  },
  {
    name: 'clipGradValue',
    make: (s) => { const r = rng(s); return [f32(r, size(r, 30)), 0.3]; },
    call: (m, [g, clip]) => m.clipGradValue([{ data: new Float32Array(g && g.length), grad: g }], clip),
  },
];
