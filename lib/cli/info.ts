/**
 * `simdtrain info`: prints the CPU/ISA report and a quick comparison of the
 * native vector kernels against plain JavaScript loops on this machine.
 */
import { cpuInfo } from '../cpu';
import * as vec from '../vector';

type Kernel = { name: string; native: (x: Float32Array, y: Float32Array) => unknown; js: (x: Float32Array, y: Float32Array) => unknown };

const kernels: Kernel[] = [
  {
    name: 'axpy',
    native: (x, y) => vec.axpy(0.5, x, y),
    js: (x, y) => {
      for (let i = 0; i < x.length; i++) y[i] += 0.5 * x[i];
    },
  },
  {
    name: 'dot',
    native: (x, y) => vec.dot(x, y),
    js: (x, y) => {
      let s = 0;
      for (let i = 0; i < x.length; i++) s += x[i] * y[i];
      return s;
    },
  },
  {
    name: 'sumOfSquares',
    native: (x) => vec.sumOfSquares(x),
    js: (x) => {
      let s = 0;
      for (let i = 0; i < x.length; i++) s += x[i] * x[i];
      return s;
    },
  },
];

/** Median seconds per call over ~0.15 s of repeated calls. */
function quickTime(fn: () => unknown): number {
  fn();
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < 5 || (performance.now() - start < 150 && samples.length < 1000)) {
    const t0 = performance.now();
    fn();
    samples.push((performance.now() - t0) / 1000);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1];
}

/** Runs the `info` command. */
export function runInfo(): void {
  console.log('simdtrain cpuInfo():', JSON.stringify(cpuInfo()));
  const n = 1_000_000;
  const x = new Float32Array(n).map((_, i) => Math.sin(i));
  const y = new Float32Array(n).map((_, i) => Math.cos(i));
  console.log(`\nkernel (n = ${n.toLocaleString('en-US')})   native        plain JS     speed-up`);
  for (const k of kernels) {
    const tNative = quickTime(() => k.native(x, y));
    const tJs = quickTime(() => k.js(x, y));
    console.log(
      `${k.name.padEnd(24)} ${(tNative * 1e6).toFixed(1).padStart(8)} us  ${(tJs * 1e6).toFixed(1).padStart(9)} us  ${(tJs / tNative).toFixed(1).padStart(8)}x`,
    );
  }
}
