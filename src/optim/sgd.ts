// Stochastic gradient descent: W <- W - lr * dW.

import type { FloatArray } from '../tensor/tensor.js';
import { Optimizer } from './optimizer.js';

export class SGD extends Optimizer {
  readonly name = 'sgd';
  protected readonly slotCount = 0;

  constructor(learningRate = 0.01) {
    super(learningRate);
  }

  protected updateOne(w: FloatArray, g: FloatArray): void {
    const lr = this.learningRate;
    for (let i = 0; i < w.length; i++) w[i] -= lr * g[i];
  }
}
