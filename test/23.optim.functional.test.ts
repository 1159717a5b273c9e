// The stateless step functions give exactly the classes' results.
import { describe, expect, it } from 'vitest';
import * as simd from 'simdtrain';
import { setupCase } from './helpers/optim-fixtures';

const same = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('stateless steps = classes', () => {
  it('adamStep (also AdamW and AMSGrad)', () => {
    for (const [options, Cls] of [[{ weightDecay: 0.01 }, simd.Adam], [{ decoupled: true, weightDecay: 0.1 }, simd.AdamW], [{ amsgrad: true }, simd.Adam]] as const) {
      const a = setupCase([37], 11), b = setupCase([37], 11);
      const { decoupled: _d, ...classOptions } = options as { decoupled?: boolean };
      const opt = new Cls(a.params, classOptions);
      const m = new Float32Array(37), v = new Float32Array(37), maxV = new Float32Array(37);
      for (let t = 1; t <= 12; t++) {
        a.nextGrads();
        b.nextGrads();
        opt.step();
        simd.adamStep(b.params[0].data, b.params[0].grad, m, v, { step: t, ...options, maxV });
      }
      expect(same(a.params[0].data, b.params[0].data)).toBe(true);
    }
  });

  it('nadamStep threads muProduct through', () => {
    const a = setupCase([20], 2), b = setupCase([20], 2);
    const opt = new simd.NAdam(a.params);
    const m = new Float32Array(20), v = new Float32Array(20);
    let mu: number | undefined;
    for (let t = 1; t <= 8; t++) {
      a.nextGrads();
      b.nextGrads();
      opt.step();
      mu = simd.nadamStep(b.params[0].data, b.params[0].grad, m, v, { step: t, muProduct: mu });
    }
    expect(same(a.params[0].data, b.params[0].data)).toBe(true);
  });

  it('sgdStep with momentum, rmspropStep, lionStep, adagradStep, lambStep', () => {
    const a = setupCase([33, 33, 33, 33, 33], 4), b = setupCase([33, 33, 33, 33, 33], 4);
    const opts = [new simd.SGD([a.params[0]], { lr: 0.1, momentum: 0.9, dampening: 0.1 }), new simd.RMSprop([a.params[1]], { centered: true }), new simd.Lion([a.params[2]]), new simd.Adagrad([a.params[3]]), new simd.LAMB([a.params[4]])];
    const buf = new Float32Array(33), sq = new Float32Array(33), ga = new Float32Array(33), lm = new Float32Array(33), sum = new Float32Array(33), m = new Float32Array(33), v = new Float32Array(33);
    for (let t = 1; t <= 6; t++) {
      a.nextGrads();
      b.nextGrads();
      for (const o of opts) o.step();
      const [p0, p1, p2, p3, p4] = b.params;
      simd.sgdStep(p0.data, p0.grad, buf, { lr: 0.1, momentum: 0.9, dampening: 0.1, firstStep: t === 1 });
      simd.rmspropStep(p1.data, p1.grad, sq, { centered: true, gradAvg: ga });
      simd.lionStep(p2.data, p2.grad, lm);
      simd.adagradStep(p3.data, p3.grad, sum, { step: t });
      simd.lambStep(p4.data, p4.grad, m, v, { step: t });
    }
    a.params.forEach((p, i) => expect(same(p.data, b.params[i].data), `tensor ${i}`).toBe(true));
  });

  it('validates like the classes', () => {
    const x = new Float32Array(4);
    expect(() => simd.adamStep(x, x.slice(), new Float32Array(4), new Float32Array(4), { step: 0 })).toThrow(/'step' must be an integer >= 1/);
    expect(() => simd.adamStep(x, x.slice(), [] as never, new Float32Array(4), { step: 1 })).toThrow(/'m' must be a Float32Array/);
    expect(() => simd.adamStep(x, x.slice(), new Float32Array(3), new Float32Array(4), { step: 1 })).toThrow(RangeError);
  });
});
