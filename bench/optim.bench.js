// Optimizer step throughput: simdtrain's fused kernels (1 and 2 threads)
// beside a plain JS Adam/SGD loop, TensorFlow.js (cpu, wasm) applyGradients,
// PyTorch torch.optim (subprocess, when installed) and an in-place memory
// bandwidth probe (vec.axpy: y += a*x) over the same bytes, in one run.
'use strict';
const { execFileSync } = require('child_process');
const path = require('path');
const { timeIt, timeItAsync, report, optionalRequire } = require('./harness');
const simd = require('..');

const sizes = (process.env.BENCH_SIZES || '1e4,1e5,1e6,1e7').split(',').map(Number);
const threadCounts = [1, 2];
const notes = [];
// Bytes each optimizer moves per element (reads + writes of float32 arrays).
const traffic = { SGD: 12, Momentum: 20, Adagrad: 20, RMSprop: 20, Adadelta: 28, Adam: 28, AdamW: 28, Adamax: 28, NAdam: 28, RAdam: 28, Lion: 20, LAMB: 40 };
const make = {
  SGD: (p) => new simd.SGD(p, { lr: 1e-3 }),
  Momentum: (p) => new simd.SGD(p, { lr: 1e-3, momentum: 0.9 }),
  Adagrad: (p) => new simd.Adagrad(p),
  RMSprop: (p) => new simd.RMSprop(p),
  Adadelta: (p) => new simd.Adadelta(p),
  Adam: (p) => new simd.Adam(p),
  AdamW: (p) => new simd.AdamW(p),
  Adamax: (p) => new simd.Adamax(p),
  NAdam: (p) => new simd.NAdam(p),
  RAdam: (p) => new simd.RAdam(p),
  Lion: (p) => new simd.Lion(p),
  LAMB: (p) => new simd.LAMB(p),
};

function jsAdam(n) {
  const p = new Float32Array(n).fill(0.5), g = new Float32Array(n).fill(0.1), m = new Float32Array(n), v = new Float32Array(n);
  let t = 0;
  return () => {
    t++;
    const c1 = 0.001 / (1 - 0.9 ** t), c2 = Math.sqrt(1 - 0.999 ** t);
    for (let i = 0; i < n; i++) {
      const gi = g[i];
      m[i] = 0.9 * m[i] + 0.1 * gi;
      v[i] = 0.999 * v[i] + 0.001 * gi * gi;
      p[i] -= (c1 * m[i]) / (Math.sqrt(v[i]) / c2 + 1e-8);
    }
  };
}

// PyTorch, once for every size and thread count.
let torch = null;
try {
  const cfg = JSON.stringify({ sizes, threads: threadCounts, optimizers: Object.keys(make) });
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE; // see docs: it only slows a current build
  torch = JSON.parse(execFileSync('/usr/bin/python3', [path.join(__dirname, 'optim_torch.py'), cfg], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 600000 }));
  notes.push(`PyTorch ${torch.version} (torch.optim, single-tensor for-loop path, torch.set_num_threads matched)`);
} catch (e) {
  notes.push(`PyTorch not available: skipped (${String(e.message).split('\n')[0]})`);
}
const torchTime = (name, n, threads) => torch?.results.find((r) => r.optimizer === name && r.n === n && r.threads === threads)?.seconds;

async function tfjsTimes(n) {
  const tf = optionalRequire('@tensorflow/tfjs', notes);
  if (!tf || n > 1e6) return {};
  const out = {};
  for (const backend of ['cpu', 'wasm']) {
    if (backend === 'wasm' && !optionalRequire('@tensorflow/tfjs-backend-wasm', notes)) continue;
    await tf.setBackend(backend);
    await tf.ready();
    const v = tf.variable(tf.fill([n], 0.5));
    const g = tf.fill([n], 0.1);
    const opt = tf.train.adam(1e-3);
    const t = await timeItAsync(async () => {
      opt.applyGradients({ [v.name]: g });
      await v.data();
    }, { minSeconds: 0.3 });
    out[backend] = t.median;
    v.dispose();
    g.dispose();
    opt.dispose();
  }
  return out;
}

(async () => {
  const rows = [];
  for (const n of sizes) {
    const minSeconds = n >= 1e7 ? 1.0 : 0.3;
    const x = new Float32Array(n).fill(1), y = new Float32Array(n);
    const probe = {};
    for (const threads of threadCounts) {
      simd.setNumThreads(threads);
      probe[threads] = (12 * n) / timeIt(() => simd.vec.axpy(1e-9, x, y), { minSeconds }).median / 1e9;
    }
    const js = timeIt(jsAdam(n), { minSeconds }).median;
    const tfjs = await tfjsTimes(n);
    for (const name of Object.keys(make)) {
      const params = [{ data: new Float32Array(n).fill(0.5), grad: new Float32Array(n).fill(0.01) }];
      const opt = make[name](params);
      for (const threads of threadCounts) {
        simd.setNumThreads(threads);
        const t = timeIt(() => opt.step(), { minSeconds }).median;
        const gbs = (traffic[name] * n) / t / 1e9;
        const pt = torchTime(name, n, threads);
        const row = { optimizer: name, n, threads, 'ns/el': (t / n) * 1e9, 'GB/s': gbs, '% probe': (100 * gbs) / probe[threads], 'x torch': pt ? pt / t : '' };
        if (name === 'Adam') {
          row['x JS loop'] = js / t;
          row['x tfjs-cpu'] = tfjs.cpu ? tfjs.cpu / t : '';
          row['x tfjs-wasm'] = tfjs.wasm ? tfjs.wasm / t : '';
        } else {
          Object.assign(row, { 'x JS loop': '', 'x tfjs-cpu': '', 'x tfjs-wasm': '' });
        }
        rows.push(row);
      }
    }
    rows.push({ optimizer: '(probe axpy)', n, threads: '1/2', 'ns/el': '', 'GB/s': `${probe[1].toFixed(1)}/${probe[2].toFixed(1)}`, '% probe': 100, 'x torch': '', 'x JS loop': '', 'x tfjs-cpu': '', 'x tfjs-wasm': '' });
  }
  notes.push('GB/s counts the float32 bytes each update must read and write (Adam: p, g, m, v read; p, m, v written = 28 B/element)');
  notes.push('tfjs is timed for Adam only, up to 1e6 elements (applyGradients + data())');
  report('optim', rows, { notes });
})();
