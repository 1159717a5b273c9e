/** tf.train.adam with a fused native step (tfjs's formula, bit for bit). */
import { AdamOptimizer, type Variable } from '@tensorflow/tfjs-core';
import { collect, cpuBackend, ensureSlot, entries, f, KIND, read, step, TFJS, write, type Gradients, type Slot, zeros } from './common';

interface State {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: Variable;
  accBeta2: Variable;
  accumulatedFirstMoment: Slot[];
  accumulatedSecondMoment: Slot[];
}

export class NativeAdam extends AdamOptimizer {
  override applyGradients(gradients: Gradients): void {
    const s = this as unknown as State;
    const list = entries(gradients);
    const b = cpuBackend();
    const batch = collect(b, list, (e) => [
      ensureSlot(s.accumulatedFirstMoment, e, 'm', zeros),
      ensureSlot(s.accumulatedSecondMoment, e, 'v', zeros),
    ]);
    if (batch === null) return super.applyGradients(gradients as never);
    const acc1 = read(s.accBeta1), acc2 = read(s.accBeta2);
    step(KIND.adam, batch, [TFJS, Math.abs(s.learningRate), 0, f(s.beta1), f(s.beta2), f(s.epsilon),
      0, f(1 - s.beta1), f(1 - s.beta2), f(1 - acc1), f(1 - acc2), f(-s.learningRate), 0, 0]);
    write(b!, s.accBeta1, f(acc1 * f(s.beta1)));
    write(b!, s.accBeta2, f(acc2 * f(s.beta2)));
    this.incrementIterations();
  }
}
