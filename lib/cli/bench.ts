/**
 * `simdtrain bench`: what simdtrain does on this CPU, beside the peers found
 * here (Python with PyTorch or NumPy, TensorFlow.js backends), in one run:
 * the FMA peak and memory bandwidth, sgemm GFLOPS by shape and thread count, the Adam step in
 * ns per parameter and one MLP training epoch. A table with progress on
 * stderr, or JSON with --json.
 */
import * as os from 'os';
import { cpuInfo } from '../cpu';
import { PeerResult, findPython, runPython, runTfjs } from '../bench/peers';
import { Shape, adamNsPerParam, axpyGbps, epochSeconds, fmaPeak, gemmGflops, shapeName } from '../bench/suites';

const HELP = `usage: simdtrain bench [options]
  --threads 1,2,4     thread counts for sgemm (default: 1, powers of two, all CPUs)
  --shapes MxNxK,...  sgemm shapes (default 1024x1024x1024,2048x2048x2048,1024x256x784,128x256x784)
  --adam 1e7,...      Adam step sizes in parameters (default 1e7)
  --epoch 128,...     MLP epoch batch sizes (default 128,1024); adam and epochs run at 1 and the most threads
  --rows N            samples per MLP epoch (default 60000)
  --peers auto|none   measure peers found on the machine (default auto)
  --quick             small sizes and short timings (a few seconds)
  --json [FILE]       print (or write) the results as JSON instead of the table`;

/** One row of the report. */
export interface BenchRow {
  work: string;
  threads: number;
  unit: string;
  /** True when a larger value is better (GFLOPS, GB/s). */
  higherIsBetter: boolean;
  simdtrain: number;
  peers: Record<string, number>;
}

interface Options {
  threads: number[];
  shapes: Shape[];
  adam: number[];
  epochBatches: number[];
  rows: number;
  peers: boolean;
  quick: boolean;
  json: string | boolean;
}

function list(value: string | undefined, flag: string): number[] {
  const out = (value ?? '').split(',').map(Number);
  if (!value || out.some((x) => !Number.isSafeInteger(x) || x < 1)) throw new RangeError(`--${flag} needs a comma-separated list of positive integers`);
  return out;
}

function parseShapes(value: string | undefined): Shape[] {
  return (value ?? '').split(',').map((s) => {
    const [m, n, k] = s.split('x').map(Number);
    if (![m, n, k].every((x) => Number.isSafeInteger(x) && x >= 1)) throw new RangeError(`--shapes: '${s}' is not MxNxK`);
    return { m, n, k };
  });
}

function defaultThreads(): number[] {
  const cpus = Math.max(1, os.cpus().length);
  const out = [1];
  for (let t = 2; t < cpus; t *= 2) out.push(t);
  if (cpus > 1) out.push(cpus);
  return out;
}

export function parseBenchArgs(args: string[]): Options | null {
  const quick = args.includes('--quick');
  const o: Options = {
    threads: defaultThreads(),
    shapes: quick ? [{ m: 256, n: 256, k: 256 }, { m: 128, n: 256, k: 784 }] : parseShapes('1024x1024x1024,2048x2048x2048,1024x256x784,128x256x784'),
    adam: quick ? [1e5] : [1e7],
    epochBatches: quick ? [128] : [128, 1024],
    rows: quick ? 2048 : 60000,
    peers: true,
    quick,
    json: false,
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const next = () => args[++i];
    if (a === '--help' || a === '-h') return null;
    else if (a === '--threads') o.threads = list(next(), 'threads');
    else if (a === '--shapes') o.shapes = parseShapes(next());
    else if (a === '--adam') o.adam = (next() ?? '').split(',').map(Number).map((x) => {
      if (!Number.isSafeInteger(x) || x < 1) throw new RangeError('--adam needs sizes such as 1e7,1e8');
      return x;
    });
    else if (a === '--epoch') o.epochBatches = list(next(), 'epoch');
    else if (a === '--rows') o.rows = list(next(), 'rows')[0];
    else if (a === '--peers') {
      const v = next();
      if (v !== 'auto' && v !== 'none') throw new RangeError("--peers is 'auto' or 'none'");
      o.peers = v === 'auto';
    } else if (a === '--quick') continue;
    else if (a === '--json') o.json = args[i + 1] && !args[i + 1].startsWith('--') ? next() : true;
    else throw new RangeError(`unknown option '${a}' (see simdtrain bench --help)`);
  }
  return o;
}

function format(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '-';
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3);
}

/** The report as an aligned text table (ratio = simdtrain speed / the first peer's). */
export function formatTable(rows: BenchRow[]): string {
  const peers = [...new Set(rows.flatMap((r) => Object.keys(r.peers)))];
  const head = ['work', 'threads', 'unit', 'simdtrain', ...peers, ...(peers.length ? [`ratio vs ${peers[0].split(' ')[0]}`] : [])];
  const body = rows.map((r) => {
    const first = peers.length ? r.peers[peers[0]] : undefined;
    const ratio = first === undefined ? undefined : r.higherIsBetter ? r.simdtrain / first : first / r.simdtrain;
    return [r.work, String(r.threads), r.unit, format(r.simdtrain), ...peers.map((p) => format(r.peers[p])), ...(peers.length ? [ratio === undefined ? '-' : `${ratio.toFixed(2)}x`] : [])];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export async function runBench(args: string[]): Promise<void> {
  const o = parseBenchArgs(args);
  if (!o) {
    console.log(HELP);
    return;
  }
  const minS = o.quick ? 0.05 : 0.4;
  const most = Math.max(...o.threads);
  const edgeThreads = [...new Set([1, most])];
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const steps = 1 + o.threads.length * (1 + o.shapes.length) + edgeThreads.length * (o.adam.length + o.epochBatches.length);
  let done = 0;
  const progress = (what: string) => process.stderr.write(`[${++done}/${steps}] ${what}\n`);

  progress('bandwidth (y += a*x)');
  const bwN = o.quick ? 1 << 20 : 1 << 26;
  rows.push({ work: `bandwidth axpy ${bwN} floats`, threads: most, unit: 'GB/s', higherIsBetter: true, simdtrain: axpyGbps(bwN, most, minS), peers: {} });
  for (const t of o.threads) {
    progress(`FMA peak on ${t} threads`);
    rows.push({ work: `FMA peak (${cpuInfo().isa})`, threads: t, unit: 'GFLOPS', higherIsBetter: true, simdtrain: fmaPeak(t, minS), peers: {} });
    for (const s of o.shapes) {
      progress(`sgemm ${shapeName(s)} on ${t} threads`);
      rows.push({ work: `sgemm ${shapeName(s)}`, threads: t, unit: 'GFLOPS', higherIsBetter: true, simdtrain: gemmGflops(s, t, minS), peers: {} });
    }
  }
  for (const t of edgeThreads) {
    for (const n of o.adam) {
      progress(`Adam step ${n} params on ${t} threads`);
      rows.push({ work: `Adam step ${n.toExponential(0)}`, threads: t, unit: 'ns/param', higherIsBetter: false, simdtrain: adamNsPerParam(n, t, minS), peers: {} });
    }
    for (const b of o.epochBatches) {
      progress(`MLP epoch batch ${b} on ${t} threads`);
      const epochs = o.quick ? 1 : 2;
      rows.push({ work: `MLP epoch batch ${b}`, threads: t, unit: 's', higherIsBetter: false, simdtrain: await epochSeconds(o.rows, b, t, epochs), peers: {} });
    }
  }

  if (o.peers) {
    const results: PeerResult[] = [];
    const python = findPython();
    if (!python) notes.push('python3 with torch or numpy: not found');
    for (const t of o.threads) {
      if (!python) break;
      process.stderr.write(`peer python on ${t} threads\n`);
      const edge = edgeThreads.includes(t);
      const epochs = edge ? o.epochBatches.map((batch) => ({ batch, rows: o.rows, epochs: o.quick ? 1 : 2 })) : [];
      const r = runPython({ threads: t, shapes: o.shapes, adam: edge ? o.adam : [], epochs, minSeconds: minS }, python);
      results.push(...r.results);
      if (r.note) {
        notes.push(r.note);
        break;
      }
    }
    process.stderr.write('peer tfjs\n');
    const tf = await runTfjs(o.shapes, minS, o.quick ? 1e8 : 2e9);
    results.push(...tf.results);
    if (tf.note) notes.push(tf.note);
    for (const p of results) {
      const work = p.work === 'gemm' ? `sgemm ${shapeName(toShape(p.key))}` : p.work === 'adam' ? `Adam step ${Number(p.key).toExponential(0)}` : `MLP epoch batch ${p.key}`;
      if (p.mode && !notes.some((n) => n.startsWith(`${p.peer} Adam`))) notes.push(`${p.peer} Adam: ${p.mode === 'fused' ? 'fused=True' : 'default implementation (no fused CPU Adam in this version)'}`);
      for (const row of rows) if (row.work === work && (p.threads === 0 || row.threads === p.threads)) row.peers[p.peer] ??= p.value;
    }
  }

  const info = cpuInfo();
  const machine = { cpu: cpuModel(), cpus: os.cpus().length, isa: info.isa, node: process.version, platform: `${os.platform()} ${os.arch()}` };
  if (o.json) {
    const text = JSON.stringify({ machine, notes, rows }, null, 1);
    if (typeof o.json === 'string') (await import('fs')).writeFileSync(o.json, text + '\n');
    else console.log(text);
    if (typeof o.json === 'string') console.log(formatTable(rows));
    return;
  }
  console.log(`${machine.cpu}, ${machine.cpus} CPUs, ${machine.isa}, Node ${machine.node}; best of repeated runs`);
  console.log(formatTable(rows));
  for (const n of notes) console.log(`note: ${n}`);
}

function toShape(key: string): Shape {
  const [m, n, k] = key.split('x').map(Number);
  return { m, n, k };
}

function cpuModel(): string {
  return os.cpus()[0]?.model?.trim() || 'unknown CPU';
}
