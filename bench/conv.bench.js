// Convolution benchmark: GFLOPS of simdtrain's conv2d forward, input gradient
// and filter gradient (NHWC, called through the sync addon binding; the
// algorithm column says which of Winograd / direct / im2col conv2d picked) on
// the layers of Keras's mnist_convnet and of ResNet-20 at batch 128, with 1
// and 2 threads, against PyTorch 1.13's convolution (bench/conv_torch.py, the
// faster of NCHW and channels_last) measured in the same run, and against
// this machine's FMA peak (bench/openblas/fma_peak.c). GFLOPS count the
// direct convolution's 2·MACs for every algorithm (Winograd does fewer
// multiplications, so it can pass the FMA peak).
// Second table (conv-algorithms): every algorithm that applies, forced, per
// pass and shape, timed in one C++ process (bench/native/conv_algo_bench.cc,
// 1 thread): the measurement conv2d's choice rests on.
//
//   npm run bench -- conv            (a few minutes)
//   node bench/conv.bench.js --algorithms-only   (the second table alone)
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { timeIt, report, randomData } = require('./harness');
const simd = require('..');
const { native } = require('../dist/native.js');

const notes = [];
const MIN_SECONDS = Number(process.env.CONV_BENCH_SECONDS || 0.3);
const THREADS = [1, 2];
const ROUNDS = 2;
const B = 128;

// name, input size, channels, kernel, stride, padding (symmetric).
const LAYERS = [
  { name: 'mnist conv1 1→32 28²', inH: 28, inC: 1, outC: 32, k: 3, stride: 1, pad: 0 },
  { name: 'mnist conv2 32→64 13²', inH: 13, inC: 32, outC: 64, k: 3, stride: 1, pad: 0 },
  { name: 'resnet stem 3→16 32²', inH: 32, inC: 3, outC: 16, k: 3, stride: 1, pad: 1 },
  { name: 'resnet 16→16 32²', inH: 32, inC: 16, outC: 16, k: 3, stride: 1, pad: 1 },
  { name: 'resnet 16→32 s2 32²', inH: 32, inC: 16, outC: 32, k: 3, stride: 2, pad: 1 },
  { name: 'resnet 32→32 16²', inH: 16, inC: 32, outC: 32, k: 3, stride: 1, pad: 1 },
  { name: 'resnet 32→64 s2 16²', inH: 16, inC: 32, outC: 64, k: 3, stride: 2, pad: 1 },
  { name: 'resnet 64→64 8²', inH: 8, inC: 64, outC: 64, k: 3, stride: 1, pad: 1 },
  { name: 'resnet 1x1 16→32 s2', inH: 32, inC: 16, outC: 32, k: 1, stride: 2, pad: 0 },
].map((l) => ({ ...l, batch: B, inW: l.inH, kh: l.k, kw: l.k }));

const shapeOf = (l) => ({ batch: l.batch, inH: l.inH, inW: l.inW, inC: l.inC, outC: l.outC, kh: l.kh, kw: l.kw, strideH: l.stride, strideW: l.stride, padTop: l.pad, padBottom: l.pad, padLeft: l.pad, padRight: l.pad });
const outLen = (l) => Math.floor((l.inH + 2 * l.pad - l.k) / l.stride) + 1;
const flops = (l) => 2 * l.batch * outLen(l) ** 2 * l.outC * l.k * l.k * l.inC;

function timeSimdtrain(l, threads) {
  simd.setNumThreads(threads);
  const s = shapeOf(l), oh = outLen(l);
  const x = randomData(l.batch * l.inH * l.inW * l.inC, 1), w = randomData(l.k * l.k * l.inC * l.outC, 2);
  const b = randomData(l.outC, 3), y = new Float32Array(l.batch * oh * oh * l.outC), dy = randomData(y.length, 4);
  const dx = new Float32Array(x.length), dw = new Float32Array(w.length), db = new Float32Array(l.outC);
  const opt = { minSeconds: MIN_SECONDS, warmup: 1 };
  return {
    forward: timeIt(() => native.conv2dForward(s, x, w, b, true, y), opt).median,
    input: timeIt(() => native.conv2dBackwardInput(s, w, dy, dx), opt).median,
    filter: timeIt(() => native.conv2dBackwardFilter(s, x, dy, dw, db, false), opt).median,
  };
}

function timeTorch() {
  const cfg = { layers: LAYERS.map((l) => ({ ...l })), threads: THREADS, minSeconds: MIN_SECONDS };
  try {
    return JSON.parse(execFileSync(process.env.PYTHON || '/usr/bin/python3', [path.join(__dirname, 'conv_torch.py'), JSON.stringify(cfg)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 24 }));
  } catch (e) {
    notes.push(`PyTorch not measured (${String(e.stderr || e.message).split('\n').filter(Boolean).pop()})`);
    return null;
  }
}

function fmaPeaks() {
  const avx512 = simd.cpuInfo().supported.includes('avx512');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simdtrain-conv-bench-'));
  const exe = path.join(dir, 'fma_peak');
  try {
    const flags = avx512 ? ['-mavx512f', '-mfma'] : ['-mavx2', '-mfma', '-DPROBE_AVX2'];
    execFileSync(process.env.CC || 'cc', ['-O2', ...flags, path.join(__dirname, 'openblas', 'fma_peak.c'), '-o', exe, '-lpthread'], { stdio: 'pipe' });
    const peaks = {};
    for (const r of JSON.parse(execFileSync(exe, ['2', '20000000'], { encoding: 'utf8' })).threads) peaks[r.threads] = r.gflops;
    return peaks;
  } catch (e) {
    notes.push(`FMA probe not run (${String(e.stderr || e.message).split('\n')[0]}): no % of peak`);
    return {};
  }
}

let algoPeak = 0;

// The C++ per-algorithm harness: the CMake static libraries (Release, the
// same flags as the addon) plus bench/native/conv_algo_bench.cc.
function algorithmTable() {
  const root = path.join(__dirname, '..');
  const build = path.join(root, 'build-bench');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'simdtrain-conv-algo-'));
  let out;
  try {
    const quiet = { stdio: 'pipe' };
    execFileSync('cmake', ['-S', root, '-B', build, '-DCMAKE_BUILD_TYPE=Release', '--log-level=WARNING'], quiet);
    execFileSync('cmake', ['--build', build, '--target', 'simdtrain_core', '-j', String(os.cpus().length)], quiet);
    const libs = fs.readdirSync(build).filter((f) => /^libsimdtrain_isa_.*\.a$/.test(f)).map((f) => `-l${f.slice(3, -2)}`);
    const exe = path.join(dir, 'conv_algo_bench');
    execFileSync(process.env.CXX || 'g++', ['-O2', '-std=c++17', path.join(__dirname, 'native', 'conv_algo_bench.cc'), '-o', exe,
      `-L${build}`, '-lsimdtrain_core', ...libs, '-lsimdtrain_core', '-lpthread'], quiet);
    const shapes = LAYERS.map((l) => [l.batch, l.inH, l.inW, l.inC, l.outC, l.k, l.stride, l.pad].join(','));
    out = JSON.parse(execFileSync(exe, ['1', String(MIN_SECONDS), '2', ...shapes], { encoding: 'utf8' }));
  } catch (e) {
    notes.push(`per-algorithm C++ harness not run (needs cmake, g++): ${String(e.stderr || e.message).split('\n')[0]}`);
    return [];
  }
  const peak = out.peak_cpu_gflops;
  const rows = [];
  for (const l of LAYERS) {
    const key = [l.batch, l.inH, l.inW, l.inC, l.outC, l.k, l.stride, l.pad].join(',');
    for (const pass of ['forward', 'input', 'filter']) {
      const r = out.results.filter((x) => x.shape === key && x.pass === pass);
      const gf = (asked) => {
        const x = r.find((y) => y.asked === asked);
        return x && x.ran === asked ? flops(l) / x.cpu_seconds / 1e9 : '';
      };
      const auto = r.find((y) => y.asked === 'automatic');
      const picked = auto ? flops(l) / auto.cpu_seconds / 1e9 : '';
      rows.push({ layer: l.name, pass, im2col: gf('im2col'), direct: gf('direct'), winograd: gf('winograd'), winograd4: gf('winograd4'), picked: auto ? auto.ran : '', 'picked GFLOPS': picked, '%peak': picked && peak ? (100 * picked) / peak : '' });
    }
  }
  algoPeak = peak;
  return rows;
}

function main() {
  if (process.argv.includes('--algorithms-only')) {
    const rows = algorithmTable();
    notes.length = 0;
    return reportAlgorithms(rows);
  }
  const t0 = Date.now();
  const peaks = fmaPeaks();
  // Rounds alternate simdtrain and PyTorch so both see the host's noise;
  // each figure is the best round's median.
  const ours = {}, theirs = {};
  let torch = null;
  for (let round = 0; round < ROUNDS; round++) {
    for (const threads of THREADS) {
      for (const l of LAYERS) {
        const t = timeSimdtrain(l, threads), key = `${l.name}|${threads}`;
        ours[key] = ours[key] ? Object.fromEntries(Object.keys(t).map((p) => [p, Math.min(t[p], ours[key][p])])) : t;
      }
    }
    torch = timeTorch() || torch;
    for (const r of torch ? torch.results : []) {
      const key = `${r.name}|${r.threads}|${r.pass}`;
      if (!theirs[key] || r.seconds < theirs[key].seconds) theirs[key] = r;
    }
  }
  if (torch) notes.push(`PyTorch ${torch.version} (mkldnn ${torch.mkldnn}), best of NCHW / channels_last per pass (layout column); input / filter gradients via aten.convolution_backward`);
  const algoRows = algorithmTable();
  const algorithms = Object.fromEntries(algoRows.map((r) => [`${r.layer}|${r.pass}`, r.picked]));
  const rows = [];
  for (const threads of THREADS) {
    for (const l of LAYERS) {
      for (const pass of ['forward', 'input', 'filter']) {
        const gf = flops(l) / ours[`${l.name}|${threads}`][pass] / 1e9;
        const t = theirs[`${l.name}|${threads}|${pass}`];
        const tg = t ? flops(l) / t.seconds / 1e9 : '';
        rows.push({ layer: l.name, pass, thr: String(threads), algorithm: algorithms[`${l.name}|${pass}`] || '', simdtrain: gf, '%peak': peaks[threads] ? (100 * gf) / peaks[threads] : '', pytorch: tg, 'x pytorch': tg ? gf / tg : '', 'pt layout': t ? t.layout : '' });
      }
    }
  }
  if (peaks[1]) notes.push(`FMA peak (probe): 1 thread ${peaks[1].toFixed(1)} GFLOPS, 2 threads ${peaks[2].toFixed(1)} GFLOPS`);
  notes.push(`GFLOPS = 2·batch·outH·outW·outC·k²·inC / median seconds, best of ${ROUNDS} alternating rounds; batch ${B}; forward includes bias + ReLU; filter gradient includes the bias gradient`);
  notes.push(`total bench time ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  notes.push(`load average (1/5/15 min) at the end: ${os.loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  report('conv', rows, { notes });
  reportAlgorithms(algoRows);
}

function reportAlgorithms(algoRows) {
  if (algoRows.length) {
    report('conv-algorithms', algoRows, {
      notes: [
        'GFLOPS = direct-convolution FLOPs / median CPU seconds of the calling thread (CLOCK_THREAD_CPUTIME_ID), best of 2 rounds, 1 thread, batch 128, each algorithm forced, one C++ process (bench/native/conv_algo_bench.cc); empty: the algorithm does not apply to that pass; picked: what conv2d runs',
        `%peak: against the library's FMA probe kernel per CPU second on the same thread: ${algoPeak.toFixed(1)} GFLOPS (CPU time, unlike wall time, does not count the time other jobs held the core; it still includes their cache and memory-bandwidth interference)`,
        `load average (1/5/15 min) at the end: ${os.loadavg().map((v) => v.toFixed(2)).join(' ')}`,
      ],
    });
  }
}

main();
