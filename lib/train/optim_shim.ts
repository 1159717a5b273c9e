/**
 * TEMPORARY stand-ins for SGD and Adam until lib/optim (branch `optim`) is
 * merged; same constructor shape (`new Adam(params, { lr })`). Not exported.
 * @packageDocumentation
 */
import type { Param } from '../nn/types';

/** Plain SGD. @internal */
export class SGD {
  /** Learning rate. */
  lr: number;
  constructor(private readonly params: Param[], options: { lr?: number } = {}) {
    this.lr = options.lr ?? 0.01;
  }
  /** p -= lr * g. */
  step(): void {
    for (const p of this.params) for (let i = 0; i < p.data.length; i++) p.data[i] -= this.lr * p.grad[i];
  }
  /** g = 0. */
  zeroGrad(): void {
    for (const p of this.params) p.grad.fill(0);
  }
}

/** Adam (Kingma & Ba), bias-corrected. @internal */
export class Adam {
  /** Learning rate. */
  lr: number;
  private t = 0;
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  constructor(private readonly params: Param[], options: { lr?: number } = {}) {
    this.lr = options.lr ?? 1e-3;
    this.m = params.map((p) => new Float32Array(p.data.length));
    this.v = params.map((p) => new Float32Array(p.data.length));
  }
  /** One Adam update. */
  step(): void {
    this.t++;
    const b1 = 0.9, b2 = 0.999, eps = 1e-8;
    const c1 = 1 - b1 ** this.t, c2 = 1 - b2 ** this.t;
    this.params.forEach((p, k) => {
      const m = this.m[k], v = this.v[k];
      for (let i = 0; i < p.data.length; i++) {
        const g = p.grad[i];
        m[i] = b1 * m[i] + (1 - b1) * g;
        v[i] = b2 * v[i] + (1 - b2) * g * g;
        p.data[i] -= (this.lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
      }
    });
  }
  /** g = 0. */
  zeroGrad(): void {
    for (const p of this.params) p.grad.fill(0);
  }
}
