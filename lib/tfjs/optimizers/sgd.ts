/** tf.train.sgd and tf.train.momentum with fused native steps (tfjs's formulas, bit for bit). */
import { MomentumOptimizer, SGDOptimizer } from '@tensorflow/tfjs-core';
import { collect, cpuBackend, ensureSlot, entries, f, KIND, MOMENTUM, NESTEROV, step, TFJS, type Gradients, type Slot, zeros } from './common';

export class NativeSGD extends SGDOptimizer {
  override applyGradients(gradients: Gradients): void {
    const batch = collect(cpuBackend(), entries(gradients), () => []);
    if (batch === null) return super.applyGradients(gradients as never);
    step(KIND.sgd, batch, [TFJS, Math.abs(this.learningRate), 0, 0, 0, 0, f(-this.learningRate), 0, 0, 0, 0, 0, 0, 0]);
    this.incrementIterations();
  }
}

interface MomentumState {
  momentum: number;
  useNesterov: boolean;
  accumulations: Slot[];
}

export class NativeMomentum extends MomentumOptimizer {
  override applyGradients(gradients: Gradients): void {
    const s = this as unknown as MomentumState;
    const batch = collect(cpuBackend(), entries(gradients), (e) => [ensureSlot(s.accumulations, e, 'momentum', zeros)]);
    if (batch === null) return super.applyGradients(gradients as never);
    const flags = TFJS | MOMENTUM | (s.useNesterov ? NESTEROV : 0);
    step(KIND.sgd, batch, [flags, Math.abs(this.learningRate), 0, f(s.momentum), 0, 0, f(-this.learningRate), 0, 0, 0, 0, 0, 0, 0]);
    this.incrementIterations();
  }
}
