/** tf.train.rmsprop with a fused native step (tfjs's formula, bit for bit). */
import { RMSPropOptimizer } from '@tensorflow/tfjs-core';
import { CENTERED, collect, cpuBackend, ensureSlot, entries, f, KIND, MOMENTUM, step, TFJS, type Gradients, type Slot, zeros } from './common';

interface State {
  learningRate: number;
  decay: number;
  momentum: number;
  epsilon: number;
  centered: boolean;
  accumulatedMeanSquares: Slot[];
  accumulatedMoments: Slot[];
  accumulatedMeanGrads: Slot[];
}

export class NativeRMSProp extends RMSPropOptimizer {
  override applyGradients(gradients: Gradients): void {
    const s = this as unknown as State;
    const b = cpuBackend();
    const batch = collect(b, entries(gradients), (e) => [
      ensureSlot(s.accumulatedMeanSquares, e, 'rms', zeros),
      ensureSlot(s.accumulatedMoments, e, 'momentum', zeros),
      s.centered ? ensureSlot(s.accumulatedMeanGrads, e, 'mg', zeros) : null,
    ]);
    if (batch === null) return super.applyGradients(gradients as never);
    const flags = TFJS | MOMENTUM | (s.centered ? CENTERED : 0);
    step(KIND.rmsprop, batch, [flags, Math.abs(s.learningRate), 0, f(s.decay), 0, f(s.epsilon),
      0, f(1 - s.decay), f(s.momentum), f(s.learningRate), 0, 0, 0, 0]);
    this.incrementIterations();
  }
}
