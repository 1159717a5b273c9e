// Benchmark helpers shared by every bench/*.bench.js file.
//
//   const { timeIt, report } = require('./harness');
//   const t = timeIt(() => work(), { minSeconds: 0.5 });   // median seconds per call
//   report('vector', rows, { notes: [...] });              // prints a table, writes bench/results/vector.json
//
// Timings on shared machines are noisy: every figure is the median of many
// timed batches, and every benchmark measures its baseline in the same run so
// ratios (not absolute times) are what to compare.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const resultsDir = path.join(__dirname, 'results');

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Times a synchronous function. Calls it in batches sized so one batch takes
 * ~minSeconds/20, for at least minSeconds in total (and at least 5 batches).
 * Returns { median, min, samples }: seconds per call.
 */
function timeIt(fn, { minSeconds = 0.5, warmup = 2, maxSamples = 200 } = {}) {
  for (let i = 0; i < warmup; i++) fn();
  let batch = 1;
  for (;;) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) fn();
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    if (dt >= minSeconds / 20 || batch >= 1 << 24) break;
    batch *= 2;
  }
  const samples = [];
  const start = process.hrtime.bigint();
  while (samples.length < 5 || (Number(process.hrtime.bigint() - start) / 1e9 < minSeconds && samples.length < maxSamples)) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) fn();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e9 / batch);
  }
  return { median: median(samples), min: Math.min(...samples), samples: samples.length };
}

/** Same as timeIt for a function returning a Promise (one call per sample). */
async function timeItAsync(fn, { minSeconds = 0.5, warmup = 1, maxSamples = 100 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const samples = [];
  const start = process.hrtime.bigint();
  while (samples.length < 3 || (Number(process.hrtime.bigint() - start) / 1e9 < minSeconds && samples.length < maxSamples)) {
    const t0 = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return { median: median(samples), min: Math.min(...samples), samples: samples.length };
}

/** xorshift32 values in [-1, 1): the same data in every benchmark run. */
function randomData(n, seed) {
  const out = new Float32Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = (x >>> 8) * 2 ** -23 - 1;
  }
  return out;
}

function machine() {
  let simd = null;
  try {
    simd = require('..').cpuInfo();
  } catch {
    /* addon not built: report without it */
  }
  return { cpu: os.cpus()[0]?.model, cores: os.cpus().length, node: process.version, platform: `${process.platform}-${process.arch}`, simdtrain: simd };
}

function formatCell(v) {
  if (typeof v !== 'number') return String(v ?? '');
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e7)) return v.toExponential(2);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(3);
}

/** Prints rows (objects with the same keys) as an aligned text table. */
function printTable(rows) {
  if (!rows.length) return;
  const cols = Object.keys(rows[0]);
  const cells = rows.map((r) => cols.map((c) => formatCell(r[c])));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (vals) => vals.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  console.log(line(cols));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of cells) console.log(line(r));
}

/**
 * Prints the table and writes bench/results/<name>.json with the machine
 * description, the rows and any notes (which peers were skipped and why).
 */
function report(name, rows, { notes = [] } = {}) {
  console.log(`\n== ${name} ==`);
  printTable(rows);
  for (const n of notes) console.log(`note: ${n}`);
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify({ name, date: new Date().toISOString(), machine: machine(), notes, rows }, null, 2) + '\n');
  console.log(`saved ${path.relative(process.cwd(), file)}`);
}

/** Loads an optional peer library; returns null (and a note) when it is not installed. */
function optionalRequire(id, notes) {
  try {
    return require(id);
  } catch (e) {
    notes.push(`${id} not installed: skipped (${e.code || e.message})`);
    return null;
  }
}

module.exports = { timeIt, timeItAsync, report, printTable, median, optionalRequire, machine, randomData };
