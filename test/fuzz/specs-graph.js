// Fuzz specs: the training plan (NnPlan, train_binding.cc) built from random
// layer graphs. make() draws a random stack of layers (image models: Conv2D,
// pooling, BatchNorm, Dropout, activations, GlobalAveragePooling2D /
// Flatten, Dense, LayerNorm; id models: Embedding first), compiles it with
// the TypeScript compiler (lib/nn/graph.ts) and sometimes corrupts one op
// (an attribute, the code, a slot) before the native constructor sees it; the
// call builds the plan and runs an evaluation and a training forward /
// backward on random inputs. Reached through dist/ (internal, as the layer
// kernels).
'use strict';
const path = require('path');
const { rng, f32, size } = require('./spec-util');

const dist = path.join(__dirname, '..', '..', 'dist');
const { native } = require(path.join(dist, 'native.js'));
const { compileGraph } = require(path.join(dist, 'nn', 'graph.js'));
const L = require(path.join(dist, 'nn', 'layers', 'index.js'));

const acts = ['relu', 'tanh', 'sigmoid', 'gelu', 'leakyRelu', 'softmax'];
const pick = (r, a) => a[size(r, a.length)];

/** A random layer stack and its per-sample input shape (may not fit: compileGraph then throws). */
function randomLayers(r) {
  if (r() < 0.25) {
    const seq = 1 + size(r, 6), vocab = 1 + size(r, 9);
    const layers = [new L.Embedding(vocab, 1 + size(r, 6))];
    if (r() < 0.5) layers.push(new L.LayerNorm({ affine: r() < 0.5 }));
    layers.push(new L.Flatten(), new L.Dense(1 + size(r, 5), { activation: pick(r, acts) }));
    return { input: [seq], layers, ids: vocab };
  }
  const input = [1 + size(r, 3), 2 + size(r, 7), 2 + size(r, 7)];
  const layers = [];
  for (let i = size(r, 5); i > 0; i--) {
    const k = 1 + size(r, 3);
    switch (size(r, 6)) {
      case 0: layers.push(new L.Conv2D(1 + size(r, 4), k, { padding: pick(r, ['valid', 'same', size(r, k)]), strides: 1 + size(r, 2), activation: pick(r, ['linear', 'relu']) })); break;
      case 1: layers.push(new L.MaxPool2D(k, { padding: size(r, k) })); break;
      case 2: layers.push(new L.AvgPool2D(k, { padding: pick(r, ['valid', size(r, k)]) })); break;
      case 3: layers.push(new L.BatchNorm({ momentum: r(), affine: r() < 0.7 })); break;
      case 4: layers.push(new L.Dropout(r() * 0.9)); break;
      default: layers.push(new L.Activation(pick(r, acts.slice(0, 5))));
    }
  }
  layers.push(r() < 0.5 ? new L.GlobalAveragePooling2D() : new L.Flatten());
  if (r() < 0.3) layers.push(new L.BatchNorm());
  if (r() < 0.3) layers.push(new L.LayerNorm());
  layers.push(new L.Dense(1 + size(r, 5), { activation: pick(r, ['linear', 'softmax', 'sigmoid']) }));
  return { input, layers, ids: 0 };
}

const junk = [-1, 0, 1, 2, 3, 7, 13, 64, 1e9, 2 ** 31, 2 ** 40, 0.5, NaN, Infinity, -Infinity];

/** A graph description (corrupted one time in three) and arenas of the sizes it asks for. */
function graphArgs(s) {
  const r = rng(s);
  let g = null, ids = 0;
  for (let tries = 0; !g; tries++) {
    const { input, layers, ids: v } = tries < 8 ? randomLayers(r) : { input: [3], layers: [new L.Dense(2)], ids: 0 };
    try {
      g = compileGraph(input, layers.map((layer, i) => ({ layer, inputs: [i - 1] })), 'sequential');
      ids = v;
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
    }
  }
  const desc = { ...g.native, seed: size(r, 1000) };
  if (r() < 0.33) {
    const op = desc.ops[size(r, desc.ops.length)];
    const what = size(r, 4);
    const keys = Object.keys(op.attrs);
    if (what === 0 && keys.length) op.attrs[pick(r, keys)] = pick(r, junk);
    else if (what === 1) op.op = size(r, 16);
    else if (what === 2) op.inputs = [size(r, desc.slots.length + 1)];
    else desc.slots[size(r, desc.slots.length)] = [1 + size(r, 3), 1 + size(r, 3), 1 + size(r, 9)];
  }
  const inSize = desc.slots[0][0] * desc.slots[0][1] * desc.slots[0][2];
  const outSlot = desc.ops[desc.ops.length - 1].output;
  const outSize = (desc.slots[outSlot] || [1, 1, 1]).reduce((a, b) => a * b, 1);
  const rows = 1 + size(r, 4);
  const x = ids ? Int32Array.from({ length: rows * inSize }, () => (r() < 0.01 ? pick(r, [-1, ids, 2 ** 30]) : size(r, ids))) : f32(r, rows * inSize);
  return [desc, f32(r, g.paramCount), new Float32Array(g.paramCount), f32(r, g.bufferCount).map(Math.abs), rows, x, rows, new Float32Array(rows * outSize), new Float32Array(rows * outSize), f32(r, rows * outSize)];
}

// Each call writes caller memory once, last (a throw must leave every argument as it was).
module.exports = [
  {
    name: 'native.NnPlan evaluate (random layer graphs)',
    make: graphArgs,
    call: (m, [desc, params, grads, buffers, capacity, x, rows, pred]) => {
      const plan = new native.NnPlan(desc, params, grads, buffers, capacity);
      return plan.evaluate(x, null, 0, rows, null, null, -1, pred, false);
    },
  },
  {
    name: 'native.NnPlan forward (random layer graphs)',
    make: graphArgs,
    call: (m, [desc, params, grads, buffers, capacity, x, rows, , out]) => {
      const plan = new native.NnPlan(desc, params, grads, buffers, capacity);
      return plan.forward(x, rows, out); // writes out and the buffers (BatchNorm statistics)
    },
  },
  {
    // Backward writes the gradients; the forward before it runs on the plan's
    // own output and a copy of the buffers, so a refused backward (say, grads
    // claimed by another pending call) leaves every argument as it was.
    name: 'native.NnPlan forward + backward (random layer graphs)',
    make: graphArgs,
    call: (m, [desc, params, grads, buffers, capacity, x, rows, , out, dOut]) => {
      const own = buffers instanceof Float32Array ? Float32Array.from(buffers) : buffers; // never runs a hostile getter
      const plan = new native.NnPlan(desc, params, grads, own, capacity);
      const y = new Float32Array(out instanceof Float32Array ? out.length : 0);
      plan.forward(x, rows, y);
      const d = dOut instanceof Float32Array && dOut.length > 0 ? dOut : y;
      plan.backward(Float32Array.from(y, (v, i) => d[i % d.length] || v), rows, false);
      return plan.memoryFloats();
    },
  },
];
