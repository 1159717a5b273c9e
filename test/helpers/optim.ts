// Optimizers for the trainer tests: the package's own SGD/Adam when the
// build has them (branch `optim`), else minimal JS versions with the same
// constructor shape `new X(params, { lr })`.
import * as simd from 'simdtrain';
import type { Param } from 'simdtrain';

class JsSGD {
  lr: number;
  constructor(private params: Param[], o: { lr?: number } = {}) {
    this.lr = o.lr ?? 0.01;
  }
  step() {
    for (const p of this.params) for (let i = 0; i < p.data.length; i++) p.data[i] -= this.lr * p.grad[i];
  }
  zeroGrad() {
    for (const p of this.params) p.grad.fill(0);
  }
}

class JsAdam {
  lr: number;
  private t = 0;
  private m: Float64Array[];
  private v: Float64Array[];
  constructor(private params: Param[], o: { lr?: number } = {}) {
    this.lr = o.lr ?? 1e-3;
    this.m = params.map((p) => new Float64Array(p.data.length));
    this.v = params.map((p) => new Float64Array(p.data.length));
  }
  step() {
    this.t++;
    const c1 = 1 - 0.9 ** this.t, c2 = 1 - 0.999 ** this.t;
    this.params.forEach((p, k) => {
      for (let i = 0; i < p.data.length; i++) {
        const g = p.grad[i];
        this.m[k][i] = 0.9 * this.m[k][i] + 0.1 * g;
        this.v[k][i] = 0.999 * this.v[k][i] + 0.001 * g * g;
        p.data[i] -= (this.lr * this.m[k][i]) / c1 / (Math.sqrt(this.v[k][i] / c2) + 1e-8);
      }
    });
  }
  zeroGrad() {
    for (const p of this.params) p.grad.fill(0);
  }
  stateDict() {
    return { t: this.t, m: this.m.map((a) => Float32Array.from(a)), v: this.v.map((a) => Float32Array.from(a)) };
  }
}

type Ctor = new (params: Param[], options?: { lr?: number }) => { step(): void; lr?: number; stateDict?(): unknown };
const lib = simd as unknown as Record<string, Ctor | undefined>;
export const SGD: Ctor = lib.SGD ?? JsSGD;
export const Adam: Ctor = lib.Adam ?? JsAdam;
