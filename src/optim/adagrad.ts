// AdaGrad: each weight's step shrinks with the sum of its squared gradients so far.
// h <- h + dW^2; W <- W - lr dW / (sqrt(h) + 1e-7).

import type { FloatArray } from '../tensor/tensor.js';
import { Optimizer } from './optimizer.js';

export class AdaGrad extends Optimizer {
  readonly name = 'adagrad';
  protected readonly slotCount = 1;

  constructor(learningRate = 0.01) {
    super(learningRate);
  }

  protected updateOne(w: FloatArray, g: FloatArray, [h]: FloatArray[]): void {
    const lr = this.learningRate;
    for (let i = 0; i < w.length; i++) {
      h[i] += g[i] * g[i];
      w[i] -= (lr * g[i]) / (Math.sqrt(h[i]) + 1e-7);
    }
  }
}
