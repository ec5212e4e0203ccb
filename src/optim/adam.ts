// Adam: momentum (m) and RMSprop (v) together, with bias correction folded into the step size as the
// book does: lr_t = lr sqrt(1 - beta2^t) / (1 - beta1^t), W <- W - lr_t m / (sqrt(v) + 1e-7).
// Correction divides by (1 - beta1^t); ConvNetJS multiplied there for years, and a test pins it now.

import { kernels } from '../kernels/backend.js';
import type { FloatArray } from '../tensor/tensor.js';
import { Optimizer } from './optimizer.js';

export class Adam extends Optimizer {
  readonly name = 'adam';
  protected readonly slotCount = 2;
  private stepSize = 0;

  constructor(learningRate = 0.001, readonly beta1 = 0.9, readonly beta2 = 0.999) {
    super(learningRate);
  }

  protected override beforeStep(): void {
    const t = this.step;
    this.stepSize = (this.learningRate * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t);
  }

  protected updateOne(w: FloatArray, g: FloatArray, [m, v]: FloatArray[]): void {
    kernels().adamUpdate(w, g, m, v, w.length, this.stepSize, this.beta1, this.beta2);
  }
}
