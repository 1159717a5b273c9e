// bf16 GEMM GFLOPS next to PyTorch's bf16 torch.matmul (oneDNN) and
// simdtrain's own fp32 sgemm, 1 and 2 threads, in one run:
//   - "js" columns: sgemm(..., { precision }) called from Node (what a user gets);
//   - "c++" columns: bench/native/gemm_bf16_bench.cc, every bf16 path and
//     fp32 alternating in one process (kernel level, no Node-API call);
//   - torch: bench/bf16_torch.py with ONEDNN_VERBOSE checked for AMX kernels.
// Saves bench/results/bf16.json. Targets (issue 16, 1 thread): bf16 >= 1.0x
// PyTorch bf16 at 1024^2 and 2048^2 and >= 800 GFLOPS (AMX).
'use strict';
const { execFileSync, spawnSync } = require('child_process');
const path = require('path');
const { report, timeIt } = require('./harness');
const { buildNativeBench } = require('./native_build');
const st = require('..');

const SHAPES = [
  [1024, 1024, 1024], [2048, 2048, 2048],
  [128, 256, 784], [128, 784, 256], [784, 256, 128], // MNIST MLP: X·W1, dY·W1ᵀ shapes, Xᵀ·dY
  [128, 10, 256],
  [3136, 64, 576], [784, 128, 1152], [196, 256, 2304], // conv-like im2col: 56²·(3·3·64)->64 ...
];
const THREADS = [1, 2];
const MIN_SECONDS = Number(process.env.BENCH_SECONDS || 0.3);
const notes = [];
const python = process.env.PYTHON || '/usr/bin/python3';

function buildKernelBench() {
  try {
    return buildNativeBench('gemm_bf16_bench', { preferBuildNative: false });
  } catch (e) {
    notes.push(`C++ harness not built: skipped (${String(e.stderr || e.message).split('\n')[0]})`);
    return null;
  }
}

function runTorch() {
  const cfg = JSON.stringify({ shapes: SHAPES, threads: THREADS, seconds: MIN_SECONDS, rounds: 3 });
  const r = spawnSync(python, [path.join(__dirname, 'bf16_torch.py'), cfg], { encoding: 'utf8', env: { ...process.env, ONEDNN_VERBOSE: '1' }, maxBuffer: 1 << 30 });
  if (r.status !== 0) {
    notes.push(`torch not run: ${String(r.stderr).trim().split('\n').pop()}`);
    return null;
  }
  const lines = r.stdout.trim().split('\n');
  const kernels = new Set(lines.filter((l) => /onednn_verbose,exec.*(matmul|inner_product|gemm)/.test(l) && /bf16/.test(l)).map((l) => l.split(',')[4]));
  const res = JSON.parse(lines[lines.length - 1]);
  notes.push(`torch ${res.version}: oneDNN bf16 kernels seen: ${[...kernels].join(' ') || 'none logged'}`);
  return res.results;
}

function jsGflops(m, n, k, precision) {
  const a = new Float32Array(m * k).map((_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
  const b = new Float32Array(k * n).map((_, i) => ((i * 104729) % 1000) / 1000 - 0.5);
  const c = new Float32Array(m * n);
  const t = timeIt(() => st.sgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n, { precision }), { minSeconds: MIN_SECONDS });
  return (2 * m * n * k) / t.median / 1e9;
}

const exe = buildKernelBench();
const torch = runTorch();
const info = st.cpuInfo().bf16;
notes.push(`bf16 path: ${info.active} (amx ${info.amx}, avx512bf16 ${info.avx512bf16}${info.reasons.amx ? `; amx: ${info.reasons.amx}` : ''})`);
const rows = [];
let bits = null;
for (const threads of THREADS) {
  st.setNumThreads(threads);
  const cpp = exe ? JSON.parse(execFileSync(exe, [String(threads), String(MIN_SECONDS), '3', ...SHAPES.map((s) => s.join(','))], { encoding: 'utf8' })) : null;
  if (cpp) bits = cpp[Object.keys(cpp).find((key) => key.startsWith('same_bits'))];
  SHAPES.forEach(([m, n, k], i) => {
    const tr = torch?.find((r) => r.m === m && r.n === n && r.k === k && r.threads === threads);
    const kc = cpp?.results[i] ?? {};
    const bfJs = jsGflops(m, n, k, 'bf16');
    const best = Math.max(kc.amx ?? 0, kc.avx512bf16 ?? 0);
    rows.push({
      shape: `${m}x${k}·${k}x${n}`, threads,
      'bf16 js': bfJs, 'fp32 js': jsGflops(m, n, k, 'fp32'),
      'c++ amx': kc.amx, 'c++ avx512bf16': kc.avx512bf16, 'c++ fp32': kc.fp32,
      'torch bf16': tr?.bf16, 'torch fp32': tr?.fp32,
      'bf16/fp32': kc.fp32 ? best / kc.fp32 : undefined,
      'bf16/torch': tr ? bfJs / tr.bf16 : undefined,
    });
  });
}
if (bits) notes.push(`elements with the emulation's bits (64x64x96): ${JSON.stringify(bits)}`);
notes.push('GFLOPS = 2mnk / median seconds; js = from Node via sgemm; c++ = simdtrain C++ entry points in one process');
report('bf16', rows, { notes });
