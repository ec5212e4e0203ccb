// Stochastic gradient descent: W <- W - lr * dW.

import { kernels } from '../kernels/backend.js';
import type { FloatArray } from '../tensor/tensor.js';
import { Optimizer } from './optimizer.js';

export class SGD extends Optimizer {
  readonly name = 'sgd';
  protected readonly slotCount = 0;

  constructor(learningRate = 0.01) {
    super(learningRate);
  }

  protected updateOne(w: FloatArray, g: FloatArray): void {
    kernels().sgdUpdate(w, g, w.length, this.learningRate);
  }
}
