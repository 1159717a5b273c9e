/** tf.train.adadelta with a fused native step (tfjs's formula, bit for bit). */
import { AdadeltaOptimizer } from '@tensorflow/tfjs-core';
import { collect, cpuBackend, ensureSlot, entries, f, KIND, step, TFJS, type Gradients, type Slot, zeros } from './common';

interface State {
  learningRate: number;
  rho: number;
  epsilon: number;
  accumulatedGrads: Slot[];
  accumulatedUpdates: Slot[];
}

export class NativeAdadelta extends AdadeltaOptimizer {
  override applyGradients(gradients: Gradients): void {
    const s = this as unknown as State;
    const b = cpuBackend();
    const batch = collect(b, entries(gradients), (e) => [
      ensureSlot(s.accumulatedGrads, e, 'accum_grad', zeros),
      ensureSlot(s.accumulatedUpdates, e, 'accum_var', zeros),
    ]);
    if (batch === null) return super.applyGradients(gradients as never);
    step(KIND.adadelta, batch, [TFJS, Math.abs(s.learningRate), 0, f(s.rho), 0, f(s.epsilon), f(-s.learningRate), f(1 - s.rho), 0, 0, 0, 0, 0, 0]);
    this.incrementIterations();
  }
}
