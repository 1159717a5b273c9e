// Double-precision JavaScript reference of a Dense stack and the losses, for
// gradient checks by central finite differences.

/** erf in double: Maclaurin series for |x| < 4, asymptotic erfc beyond. */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax >= 4) {
    const t = 1 / (2 * ax * ax);
    const erfc = (Math.exp(-ax * ax) / (ax * Math.sqrt(Math.PI))) * (1 - t + 3 * t * t - 15 * t * t * t);
    return Math.sign(x) * (1 - erfc);
  }
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

export type Act = 'linear' | 'relu' | 'leakyRelu' | 'sigmoid' | 'tanh' | 'gelu' | 'softmax';

export function actRow(act: Act, z: number[], alpha = 0.01): number[] {
  switch (act) {
    case 'relu': return z.map((v) => (v > 0 ? v : 0));
    case 'leakyRelu': return z.map((v) => (v > 0 ? v : alpha * v));
    case 'sigmoid': return z.map((v) => 1 / (1 + Math.exp(-v)));
    case 'tanh': return z.map(Math.tanh);
    case 'gelu': return z.map((v) => 0.5 * v * (1 + erf(v / Math.SQRT2)));
    case 'softmax': {
      const m = Math.max(...z);
      const e = z.map((v) => Math.exp(v - m));
      const s = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / s);
    }
    default: return z.slice();
  }
}

export interface RefLayer {
  inF: number;
  outF: number;
  act: Act;
  alpha?: number;
  w: Float64Array; // [in, out]
  b: Float64Array | null;
}

/** Rows of outputs: pre-activation of the last layer when `logits`. */
export function refForward(layers: RefLayer[], x: Float64Array, rows: number, logits = false): number[][] {
  let cur: number[][] = [];
  for (let r = 0; r < rows; r++) cur.push(Array.from(x.subarray(r * layers[0].inF, (r + 1) * layers[0].inF)));
  layers.forEach((l, li) => {
    cur = cur.map((row) => {
      const z = new Array(l.outF).fill(0).map((_, j) => {
        let s = l.b ? l.b[j] : 0;
        for (let i = 0; i < l.inF; i++) s += row[i] * l.w[i * l.outF + j];
        return s;
      });
      return logits && li === layers.length - 1 ? z : actRow(l.act, z, l.alpha);
    });
  });
  return cur;
}

export type RefTarget = { labels: number[] } | { targets: number[][] };

/** Mean loss in double (cross-entropies take logits). */
export function refLoss(loss: 'mse' | 'softmaxCrossEntropy' | 'binaryCrossEntropy', out: number[][], t: RefTarget): number {
  let total = 0;
  let count = 0;
  out.forEach((z, r) => {
    if (loss === 'softmaxCrossEntropy') {
      const m = Math.max(...z);
      const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
      if ('labels' in t) total += lse - z[t.labels[r]];
      else z.forEach((v, j) => (total += t.targets[r][j] * (lse - v)));
      count++;
    } else {
      const tr = (t as { targets: number[][] }).targets[r];
      z.forEach((v, j) => {
        total += loss === 'mse' ? (v - tr[j]) ** 2 : Math.max(v, 0) - v * tr[j] + Math.log1p(Math.exp(-Math.abs(v)));
        count++;
      });
    }
  });
  return total / count;
}

/** Central differences of f with respect to every entry of `params` (a small h keeps clear of ReLU kinks; double precision keeps the round-off ~1e-9). */
export function finiteDifferences(params: Float64Array, f: () => number, h = 1e-7): Float64Array {
  const g = new Float64Array(params.length);
  for (let i = 0; i < params.length; i++) {
    const v = params[i];
    params[i] = v + h;
    const up = f();
    params[i] = v - h;
    const down = f();
    params[i] = v;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}
