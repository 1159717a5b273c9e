/** tf.train.adagrad with a fused native step (tfjs's formula, bit for bit). */
import { AdagradOptimizer, fill } from '@tensorflow/tfjs-core';
import { collect, cpuBackend, ensureSlot, entries, f, KIND, step, TFJS, type Gradients, type Slot } from './common';

interface State {
  learningRate: number;
  initialAccumulatorValue: number;
  accumulatedGrads: Slot[];
}

export class NativeAdagrad extends AdagradOptimizer {
  override applyGradients(gradients: Gradients): void {
    const s = this as unknown as State;
    const b = cpuBackend();
    const batch = collect(b, entries(gradients), (e) => [
      ensureSlot(s.accumulatedGrads, e, 'accumulator', (v) => fill(v.shape, s.initialAccumulatorValue)),
    ]);
    if (batch === null) return super.applyGradients(gradients as never);
    // tfjs's Adagrad adds the backend's epsilon, not a hyper-parameter.
    step(KIND.adagrad, batch, [TFJS, Math.abs(s.learningRate), 0, 0, 0, f(b!.epsilon()), f(-s.learningRate), 0, 0, 0, 0, 0, 0, 0]);
    this.incrementIterations();
  }
}
