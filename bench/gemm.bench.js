// SGEMM benchmark: GFLOPS of simdtrain against OpenBLAS (C harness linked
// with -lopenblas), TensorFlow.js (wasm and cpu backends), ml-matrix and a
// naive JS loop, on square sizes and the 9 GEMMs of one training step of a
// 784-256-128-10 MLP at batch 128, with 1 and 2 threads. A native FMA probe
// measures this machine's peak so every figure is also a fraction of it.
//
//   npm run bench -- gemm            (about 3-5 minutes)
//
// The host may be shared: each native figure is the best of three rounds of
// medians, OpenBLAS and simdtrain alternating, so both see the same noise.
// Two simdtrain columns: called from JS (what a Node program gets, ~0.3 us of
// Node-API argument checking included) and the C++ entry simdtrain::sgemm
// timed in one C++ process with OpenBLAS (bench/native/gemm_kernel_bench.cc,
// built here with CMake): kernel against kernel, no call overhead on either.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { timeIt, report, optionalRequire, randomData } = require('./harness');
const simd = require('..');

const notes = [];
const MIN_SECONDS = 0.25;
const ROUNDS = 3;
const SLOW_PEER_MAX_FLOPS = 64e6; // tfjs-cpu, ml-matrix and naive JS only below this

const SHAPES = [
  ...[64, 128, 256, 512, 1024, 2048].map((s) => ({ name: `${s}²`, m: s, n: s, k: s, ta: false, tb: false })),
  // Forward X·W.
  { name: 'fwd 128x784·784x256', m: 128, n: 256, k: 784, ta: false, tb: false },
  { name: 'fwd 128x256·256x128', m: 128, n: 128, k: 256, ta: false, tb: false },
  { name: 'fwd 128x128·128x10', m: 128, n: 10, k: 128, ta: false, tb: false },
  // Weight gradients Xᵀ·dY.
  { name: 'dW Xᵀ[784x128]·dY[128x256]', m: 784, n: 256, k: 128, ta: true, tb: false },
  { name: 'dW Xᵀ[256x128]·dY[128x128]', m: 256, n: 128, k: 128, ta: true, tb: false },
  { name: 'dW Xᵀ[128x128]·dY[128x10]', m: 128, n: 10, k: 128, ta: true, tb: false },
  // Input gradients dY·Wᵀ.
  { name: 'dX dY[128x10]·Wᵀ[10x128]', m: 128, n: 128, k: 10, ta: false, tb: true },
  { name: 'dX dY[128x128]·Wᵀ[128x256]', m: 128, n: 256, k: 128, ta: false, tb: true },
  { name: 'dX dY[128x256]·Wᵀ[256x784]', m: 128, n: 784, k: 256, ta: false, tb: true },
];
const flops = (s) => 2 * s.m * s.n * s.k;
const shapeArg = (s) => `${s.m},${s.n},${s.k},${+s.ta},${+s.tb}`;

// ---- native helpers compiled here (explicit ISA flags, never host-CPU tuning) ----
function buildNative() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simdtrain-gemm-bench-'));
  const src = path.join(__dirname, 'openblas');
  const cc = process.env.CC || 'cc';
  const out = { probe: null, openblas: null, kernel: null };
  const avx512 = simd.cpuInfo().supported.includes('avx512');
  try {
    out.probe = path.join(dir, 'fma_peak');
    const flags = avx512 ? ['-mavx512f', '-mfma'] : ['-mavx2', '-mfma', '-DPROBE_AVX2'];
    execFileSync(cc, ['-O2', ...flags, path.join(src, 'fma_peak.c'), '-o', out.probe, '-lpthread'], { stdio: 'pipe' });
  } catch (e) {
    out.probe = null;
    notes.push(`FMA probe not built (${cc}: ${String(e.stderr || e.message).split('\n')[0]}): no % of peak`);
  }
  try {
    out.openblas = path.join(dir, 'sgemm_bench');
    const inc = fs.existsSync('/usr/include/x86_64-linux-gnu/openblas-pthread') ? ['-I/usr/include/x86_64-linux-gnu/openblas-pthread'] : [];
    execFileSync(cc, ['-O2', ...inc, path.join(src, 'sgemm_bench.c'), '-o', out.openblas, '-lopenblas'], { stdio: 'pipe' });
  } catch (e) {
    out.openblas = null;
    notes.push(`OpenBLAS harness not built (needs cc and libopenblas-dev): skipped (${String(e.stderr || e.message).split('\n')[0]})`);
  }
  if (out.openblas) out.kernel = buildKernelBench(dir);
  return out;
}

// The C++ side-by-side harness: the CMake static libraries (Release, the
// same flags as the addon) plus bench/native/gemm_kernel_bench.cc.
function buildKernelBench(dir) {
  const root = path.join(__dirname, '..');
  const build = path.join(root, 'build-bench');
  try {
    const quiet = { stdio: 'pipe' };
    execFileSync('cmake', ['-S', root, '-B', build, '-DCMAKE_BUILD_TYPE=Release', '--log-level=WARNING'], quiet);
    execFileSync('cmake', ['--build', build, '--target', 'simdtrain_core', '-j', String(os.cpus().length)], quiet);
    const libs = fs.readdirSync(build).filter((f) => /^libsimdtrain_isa_.*\.a$/.test(f)).map((f) => `-l${f.slice(3, -2)}`);
    const exe = path.join(dir, 'gemm_kernel_bench');
    const inc = fs.existsSync('/usr/include/x86_64-linux-gnu/openblas-pthread') ? ['-I/usr/include/x86_64-linux-gnu/openblas-pthread'] : [];
    execFileSync(process.env.CXX || 'g++', ['-O2', '-std=c++17', ...inc, path.join(__dirname, 'native', 'gemm_kernel_bench.cc'), '-o', exe,
      `-L${build}`, '-lsimdtrain_core', ...libs, '-lsimdtrain_core', '-lopenblas', '-lpthread'], quiet);
    return exe;
  } catch (e) {
    notes.push(`C++ side-by-side harness not built (needs cmake, g++, libopenblas-dev): skipped (${String(e.stderr || e.message).split('\n')[0]})`);
    return null;
  }
}

function runKernelBench(exe, threads) {
  const out = execFileSync(exe, [String(threads), String(MIN_SECONDS), '1', ...SHAPES.map(shapeArg)], { env: openblasEnv(), encoding: 'utf8' });
  return JSON.parse(out).results;
}

// OpenBLAS picks its kernels from CPUID unless told otherwise: drop the
// overrides for its process only, so it runs its best core for this CPU.
const openblasEnv = () => {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
};

function runOpenblas(exe, threads) {
  const out = execFileSync(exe, [String(threads), String(MIN_SECONDS), ...SHAPES.map(shapeArg)], { env: openblasEnv(), encoding: 'utf8' });
  return JSON.parse(out);
}

function runProbe(exe) {
  return JSON.parse(execFileSync(exe, ['2', '20000000'], { encoding: 'utf8' })).threads;
}

// ---- simdtrain ----
function timeSimdtrain(s, threads) {
  simd.setNumThreads(threads);
  const A = randomData(s.m * s.k, 1), B = randomData(s.k * s.n, 2), C = new Float32Array(s.m * s.n);
  const lda = s.ta ? s.m : s.k, ldb = s.tb ? s.k : s.n;
  return timeIt(() => simd.sgemm(s.ta, s.tb, s.m, s.n, s.k, 1, A, lda, B, ldb, 0, C, s.n), { minSeconds: MIN_SECONDS }).median;
}

// ---- JS peers ----
async function jsPeers() {
  const results = {}; // name -> shape name -> seconds
  const tf = optionalRequire('@tensorflow/tfjs', notes);
  const wasm = optionalRequire('@tensorflow/tfjs-backend-wasm', notes);
  if (tf) {
    const backends = [];
    if (wasm) {
      wasm.setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep);
      backends.push('wasm');
    }
    backends.push('cpu');
    for (const backend of backends) {
      if (!(await tf.setBackend(backend))) {
        notes.push(`tfjs ${backend} backend unavailable: skipped`);
        continue;
      }
      const name = `tfjs-${backend}`;
      results[name] = {};
      for (const s of SHAPES) {
        if (backend === 'cpu' && flops(s) > SLOW_PEER_MAX_FLOPS) continue;
        const a = tf.tensor2d(randomData(s.m * s.k, 1), s.ta ? [s.k, s.m] : [s.m, s.k]);
        const b = tf.tensor2d(randomData(s.k * s.n, 2), s.tb ? [s.n, s.k] : [s.k, s.n]);
        results[name][s.name] = timeIt(() => {
          const c = tf.matMul(a, b, s.ta, s.tb);
          c.dataSync();
          c.dispose();
        }, { minSeconds: MIN_SECONDS, warmup: 1 }).median;
        a.dispose();
        b.dispose();
      }
    }
    notes.push(`tfjs-wasm: SIMD ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT')}, multithread ${tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT')} (single-threaded in Node: its figures are listed under 1 thread only)`);
  }
  const mlm = optionalRequire('ml-matrix', notes);
  if (mlm) {
    results['ml-matrix'] = {};
    for (const s of SHAPES) {
      if (flops(s) > SLOW_PEER_MAX_FLOPS) continue;
      const a = new mlm.Matrix(s.ta ? s.k : s.m, s.ta ? s.m : s.k).fill(0.5);
      const b = new mlm.Matrix(s.tb ? s.n : s.k, s.tb ? s.k : s.n).fill(0.25);
      results['ml-matrix'][s.name] = timeIt(() => (s.ta ? a.transpose() : a).mmul(s.tb ? b.transpose() : b), { minSeconds: MIN_SECONDS, warmup: 1 }).median;
    }
  }
  results.naive = {};
  for (const s of SHAPES) {
    if (flops(s) > SLOW_PEER_MAX_FLOPS) continue;
    const A = randomData(s.m * s.k, 1), B = randomData(s.k * s.n, 2), C = new Float32Array(s.m * s.n);
    results.naive[s.name] = timeIt(() => naiveGemm(s, A, B, C), { minSeconds: MIN_SECONDS, warmup: 1 }).median;
  }
  return results;
}

// The loop a JS programmer would write: i-k-j order over Float32Arrays.
function naiveGemm(s, A, B, C) {
  const { m, n, k, ta, tb } = s;
  C.fill(0);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const a = ta ? A[p * m + i] : A[i * k + p];
      const row = i * n;
      if (tb) for (let j = 0; j < n; j++) C[row + j] += a * B[j * k + p];
      else for (let j = 0, b = p * n; j < n; j++) C[row + j] += a * B[b + j];
    }
  }
}

async function main() {
  const t0 = Date.now();
  const bin = buildNative();
  const peaks = {};
  const probe = () => {
    if (!bin.probe) return;
    for (const r of runProbe(bin.probe)) peaks[r.threads] = Math.max(peaks[r.threads] || 0, r.gflops);
  };
  probe();
  const best = { simdtrain: { 1: {}, 2: {} }, openblas: { 1: {}, 2: {} } };
  const kernel = { 1: {}, 2: {} }; // shape -> { ours, openblas } GFLOPS, best over rounds
  const keepBest = (store, name, seconds) => {
    store[name] = Math.min(store[name] ?? Infinity, seconds);
  };
  let openblasInfo = null;
  for (let round = 0; round < ROUNDS; round++) {
    for (const threads of [1, 2]) {
      if (bin.openblas) {
        try {
          const r = runOpenblas(bin.openblas, threads);
          openblasInfo = `${r.config} | core ${r.core}`;
          r.results.forEach((x, i) => keepBest(best.openblas[threads], SHAPES[i].name, x.seconds));
        } catch (e) {
          notes.push(`OpenBLAS run failed: ${e.message.split('\n')[0]}`);
          bin.openblas = null;
        }
      }
      for (const s of SHAPES) keepBest(best.simdtrain[threads], s.name, timeSimdtrain(s, threads));
      if (bin.kernel) {
        runKernelBench(bin.kernel, threads).forEach((x, i) => {
          const k = (kernel[threads][SHAPES[i].name] ??= { ours: 0, openblas: 0 });
          k.ours = Math.max(k.ours, x.simdtrainGflops);
          k.openblas = Math.max(k.openblas, x.openblasGflops);
        });
      }
    }
  }
  simd.setNumThreads(os.cpus().length);
  const js = await jsPeers();
  probe(); // again at the end: the host's speed may have changed meanwhile
  if (openblasInfo) notes.push(`OpenBLAS: ${openblasInfo} (OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset for its process; env had ${process.env.OPENBLAS_CORETYPE || 'none'})`);
  if (bin.probe) notes.push(`FMA peak (probe, best of 2 runs): 1 thread ${peaks[1]} GFLOPS, 2 threads ${peaks[2]} GFLOPS`);

  const gf = (s, seconds) => (seconds ? flops(s) / seconds / 1e9 : '');
  const rows = [];
  for (const threads of [1, 2]) {
    for (const s of SHAPES) {
      const ours = gf(s, best.simdtrain[threads][s.name]);
      const ob = gf(s, best.openblas[threads][s.name]);
      rows.push({
        shape: s.name,
        thr: String(threads),
        simdtrain: ours,
        '%peak': peaks[threads] ? (100 * ours) / peaks[threads] : '',
        openblas: ob,
        'x openblas': ob ? ours / ob : '',
        'c++ simdtrain': kernel[threads][s.name]?.ours ?? '',
        'c++ openblas': kernel[threads][s.name]?.openblas ?? '',
        'c++ x openblas': kernel[threads][s.name] ? kernel[threads][s.name].ours / kernel[threads][s.name].openblas : '',
        'tfjs-wasm': threads === 1 ? gf(s, js['tfjs-wasm']?.[s.name]) : '',
        'tfjs-cpu': threads === 1 ? gf(s, js['tfjs-cpu']?.[s.name]) : '',
        'ml-matrix': threads === 1 ? gf(s, js['ml-matrix']?.[s.name]) : '',
        naive: threads === 1 ? gf(s, js.naive?.[s.name]) : '',
      });
    }
  }
  notes.push(`GFLOPS = 2MNK / median seconds per call; native columns: best of ${ROUNDS} rounds; blank = not run (slow peers only up to 64 MFLOP, JS peers single-threaded)`);
  notes.push('simdtrain / openblas: called from JS / from its own C process; c++ columns: both C++ entries timed alternately in one process (bench/native/gemm_kernel_bench.cc)');
  notes.push(`total bench time ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  report('gemm', rows, { notes });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
