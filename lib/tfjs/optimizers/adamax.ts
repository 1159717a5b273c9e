/** tf.train.adamax with a fused native step (tfjs's formula, bit for bit). */
import { AdamaxOptimizer, type Variable } from '@tensorflow/tfjs-core';
import { collect, cpuBackend, ensureSlot, entries, f, KIND, read, step, TFJS, write, type Gradients, type Slot, zeros } from './common';

interface State {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  decay: number;
  iteration: Variable;
  accBeta1: Variable;
  accumulatedFirstMoment: Slot[];
  accumulatedWeightedInfNorm: Slot[];
}

export class NativeAdamax extends AdamaxOptimizer {
  override applyGradients(gradients: Gradients): void {
    const s = this as unknown as State;
    const b = cpuBackend();
    const batch = collect(b, entries(gradients), (e) => [
      ensureSlot(s.accumulatedFirstMoment, e, 'm', zeros),
      ensureSlot(s.accumulatedWeightedInfNorm, e, 'v', zeros),
    ]);
    if (batch === null) return super.applyGradients(gradients as never);
    const acc1 = read(s.accBeta1), iteration = read(s.iteration);
    // lr = -learningRate / (iteration * decay + 1), then lr / (1 - accBeta1), in float32.
    const lr = f(f(-s.learningRate) / f(f(iteration * f(s.decay)) + 1));
    const c3 = f(lr / f(1 - acc1));
    step(KIND.adamax, batch, [TFJS, Math.abs(s.learningRate), 0, f(s.beta1), f(s.beta2), f(s.epsilon), 0, f(1 - s.beta1), 0, c3, 0, 0, 0, 0]);
    write(b!, s.iteration, f(iteration + 1));
    write(b!, s.accBeta1, f(acc1 * f(s.beta1)));
    this.incrementIterations();
  }
}
