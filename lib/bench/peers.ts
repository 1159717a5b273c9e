/**
 * Peers for `simdtrain bench`, found on the machine and measured in the same
 * run: Python 3 with PyTorch (torch.matmul, Adam fused=True, the same MLP
 * epoch) or NumPy (np.matmul), one Python process per thread count with the
 * thread count set both ways (torch.set_num_threads and the BLAS
 * environment variables); and TensorFlow.js backends when installed.
 * @packageDocumentation
 */
import { spawnSync } from 'child_process';
import type { Shape } from './suites';
import { bestSeconds, uniformFloats } from './timing';

/** One peer measurement: `work` is 'gemm' | 'adam' | 'epoch', value in the suite's unit. */
export interface PeerResult {
  peer: string;
  work: string;
  key: string;
  threads: number;
  value: number;
  /** How the peer ran it, e.g. Adam 'fused' or 'default'. */
  mode?: string;
}

/** What the Python script is asked to measure at one thread count. */
export interface PythonJob {
  threads: number;
  shapes: Shape[];
  adam: number[];
  epochs: Array<{ batch: number; rows: number; epochs: number }>;
  minSeconds: number;
}

// Runs inside `python3 -c`; one JSON line per result; torch when importable, else numpy.
const PY = String.raw`
import json, os, sys, time
job = json.loads(sys.argv[1])
def out(**o): print(json.dumps(o), flush=True)
def best(fn, min_s, reps):
    fn(); b = float('inf'); t0 = time.perf_counter()
    for _ in range(reps):
        t = time.perf_counter(); fn(); b = min(b, time.perf_counter() - t)
        if time.perf_counter() - t0 > min_s: break
    return b
try:
    import torch
except Exception:
    torch = None
if torch is not None:
    torch.set_num_threads(job['threads'])
    out(kind='version', peer='torch', version=torch.__version__)
    for s in job['shapes']:
        a = torch.rand(s['m'], s['k']); b = torch.rand(s['k'], s['n']); c = torch.empty(s['m'], s['n'])
        sec = best(lambda: torch.matmul(a, b, out=c), job['minSeconds'], 30)
        out(kind='gemm', key='%dx%dx%d' % (s['m'], s['n'], s['k']), value=2 * s['m'] * s['n'] * s['k'] / sec / 1e9)
    for n in job['adam']:
        p = torch.nn.Parameter(torch.ones(n)); p.grad = torch.full((n,), 1e-3)
        try:
            opt = torch.optim.Adam([p], lr=1e-3, fused=True); mode = 'fused'
            opt.step()
        except Exception:
            opt = torch.optim.Adam([p], lr=1e-3); mode = 'default'
        sec = best(opt.step, job['minSeconds'], 10)
        out(kind='adam', key=str(n), mode=mode, value=sec / n * 1e9)
        del opt, p
    for e in job['epochs']:
        rows, batch = e['rows'], e['batch']
        torch.manual_seed(0)
        X = torch.rand(rows, 784); y = torch.randint(0, 10, (rows,))
        model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        secs = []
        for _ in range(e['epochs']):
            t0 = time.perf_counter()
            perm = torch.randperm(rows)
            for i in range(0, rows, batch):
                idx = perm[i:i + batch]
                opt.zero_grad(set_to_none=True)
                loss = torch.nn.functional.cross_entropy(model(X.index_select(0, idx)), y.index_select(0, idx))
                loss.backward(); opt.step()
            secs.append(time.perf_counter() - t0)
        out(kind='epoch', key='%d' % batch, value=min(secs))
else:
    import numpy as np
    out(kind='version', peer='numpy', version=np.__version__)
    for s in job['shapes']:
        a = np.random.rand(s['m'], s['k']).astype(np.float32); b = np.random.rand(s['k'], s['n']).astype(np.float32)
        c = np.empty((s['m'], s['n']), np.float32)
        sec = best(lambda: np.matmul(a, b, out=c), job['minSeconds'], 30)
        out(kind='gemm', key='%dx%dx%d' % (s['m'], s['n'], s['k']), value=2 * s['m'] * s['n'] * s['k'] / sec / 1e9)
`;

/**
 * The Python to measure: $SIMDTRAIN_BENCH_PYTHON, else the first of python3
 * on PATH and /usr/bin/python3 that imports torch, else one that imports
 * numpy; null when none does.
 */
export function findPython(): string | null {
  if (process.env.SIMDTRAIN_BENCH_PYTHON) return process.env.SIMDTRAIN_BENCH_PYTHON;
  const has = (py: string, mod: string) => spawnSync(py, ['-c', `import ${mod}`], { stdio: 'ignore', timeout: 60000 }).status === 0;
  const candidates = ['python3', '/usr/bin/python3'];
  return candidates.find((py) => has(py, 'torch')) ?? candidates.find((py) => has(py, 'numpy')) ?? null;
}

/** Python peer results for one thread count, or an explanation why there are none. */
export function runPython(job: PythonJob, python: string): { results: PeerResult[]; note?: string } {
  const t = String(job.threads);
  const env = { ...process.env, OMP_NUM_THREADS: t, MKL_NUM_THREADS: t, OPENBLAS_NUM_THREADS: t };
  const r = spawnSync(python, ['-c', PY, JSON.stringify(job)], { encoding: 'utf8', env, timeout: 30 * 60 * 1000 });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : (r.stderr || '').trim().split('\n').pop();
    return { results: [], note: `${python}: no peer (${why})` };
  }
  let peer = 'python';
  const results: PeerResult[] = [];
  for (const line of r.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const o = JSON.parse(line) as { kind: string; peer?: string; version?: string; key: string; value: number; mode?: string };
    if (o.kind === 'version') peer = `${o.peer} ${o.version}`;
    else results.push({ peer, work: o.kind, key: o.key, threads: job.threads, value: o.value, ...(o.mode ? { mode: o.mode } : {}) });
  }
  return { results };
}

/** TensorFlow.js tf.matMul GFLOPS per installed backend (thread count is the backend's own). */
export async function runTfjs(shapes: Shape[], minSeconds: number, maxFlops: number): Promise<{ results: PeerResult[]; note?: string }> {
  let tf: typeof import('@tensorflow/tfjs');
  const log = console.log;
  console.log = () => {}; // tfjs greets on stdout when loaded in Node: keep --json output clean
  try {
    tf = require('@tensorflow/tfjs') as typeof import('@tensorflow/tfjs');
  } catch {
    return { results: [], note: 'tfjs: not installed' };
  } finally {
    console.log = log;
  }
  const backends: string[] = [];
  for (const mod of ['@tensorflow/tfjs-node', '@tensorflow/tfjs-backend-wasm']) {
    try {
      require(mod);
    } catch {
      /* not installed */
    }
  }
  for (const name of ['tensorflow', 'wasm', 'cpu']) if (tf.engine().registryFactory[name]) backends.push(name);
  const results: PeerResult[] = [];
  const warn = console.warn;
  console.log = console.warn = () => {}; // backend set-up advice, also on stdout
  try {
    for (const backend of backends) {
      if (!(await tf.setBackend(backend)) || tf.getBackend() !== backend) continue;
      await tf.ready();
      for (const s of shapes) {
          if (backend === 'cpu' && 2 * s.m * s.n * s.k > maxFlops) continue;
        const a = tf.tensor2d(uniformFloats(s.m * s.k, 1), [s.m, s.k]), b = tf.tensor2d(uniformFloats(s.k * s.n, 2), [s.k, s.n]);
        const sec = bestSeconds(() => tf.tidy(() => tf.matMul(a, b).dataSync()), minSeconds, 10);
        results.push({ peer: `tfjs-${backend} ${tf.version.tfjs}`, work: 'gemm', key: `${s.m}x${s.n}x${s.k}`, threads: 0, value: (2 * s.m * s.n * s.k) / sec / 1e9 });
        a.dispose();
        b.dispose();
      }
    }
  } finally {
    console.log = log;
    console.warn = warn;
  }
  return { results };
}
