// Statistics for the RNG and initializer tests, all in double.

/** erf(x) = 2/√π · e^(-x²) · Σ (2x²)^k x / (2k+1)!!: every term positive, so no cancellation. */
export function erf(x: number): number {
  if (x < 0) return -erf(-x);
  if (x > 6) return 1;
  const x2 = x * x;
  let term = x, sum = x;
  for (let k = 1; k < 500 && term > 1e-17 * sum; k++) {
    term *= (2 * x2) / (2 * k + 1);
    sum += term;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x2) * sum;
}

/** Standard normal CDF and density. */
export const normalCdf = (z: number) => 0.5 * (1 + erf(z / Math.SQRT2));
export const normalPdf = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);

/** CDFs of the three distributions the RNG draws from. */
export const uniformCdf = (low: number, high: number) => (x: number) => (x <= low ? 0 : x >= high ? 1 : (x - low) / (high - low));
export const gaussianCdf = (mean: number, std: number) => (x: number) => normalCdf((x - mean) / std);
export function truncatedCdf(mean: number, std: number, low: number, high: number) {
  const a = normalCdf((low - mean) / std), b = normalCdf((high - mean) / std);
  return (x: number) => (x <= low ? 0 : x >= high ? 1 : (normalCdf((x - mean) / std) - a) / (b - a));
}

/** Mean and variance of a truncated normal (standard formulas). */
export function truncatedMoments(mean: number, std: number, low: number, high: number) {
  const a = (low - mean) / std, b = (high - mean) / std;
  const z = normalCdf(b) - normalCdf(a);
  const d = (normalPdf(a) - normalPdf(b)) / z;
  const variance = std * std * (1 + (a * normalPdf(a) - b * normalPdf(b)) / z - d * d);
  return { mean: mean + std * d, variance };
}

export function moments(x: ArrayLike<number>) {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  const mean = s / x.length;
  let v = 0, min = Infinity, max = -Infinity;
  for (let i = 0; i < x.length; i++) {
    v += (x[i] - mean) ** 2;
    if (x[i] < min) min = x[i];
    if (x[i] > max) max = x[i];
  }
  return { mean, variance: v / x.length, min, max };
}

/** Kolmogorov–Smirnov statistic D of a sample against a continuous CDF. */
export function ksStatistic(x: ArrayLike<number>, cdf: (v: number) => number): number {
  const sorted = Float64Array.from(x as ArrayLike<number>).sort();
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i]);
    d = Math.max(d, f - i / n, (i + 1) / n - f);
  }
  return d;
}

/** The KS critical value at significance 0.001: √(-ln(α/2)/2) / √n. */
export const ksCritical = (n: number) => Math.sqrt(-Math.log(0.0005) / 2) / Math.sqrt(n);
