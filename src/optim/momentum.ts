// Momentum: a velocity that remembers past gradients. v <- m v - lr dW; W <- W + v.

import { flushSubnormal } from '../kernels/elementwise.js';
import type { FloatArray } from '../tensor/tensor.js';
import { Optimizer } from './optimizer.js';

export class Momentum extends Optimizer {
  readonly name = 'momentum';
  protected readonly slotCount = 1;

  constructor(learningRate = 0.01, readonly momentum = 0.9) {
    super(learningRate);
  }

  protected updateOne(w: FloatArray, g: FloatArray, [v]: FloatArray[]): void {
    const { learningRate: lr, momentum } = this;
    for (let i = 0; i < w.length; i++) {
      v[i] = flushSubnormal(momentum * v[i] - lr * g[i]);
      w[i] += v[i];
    }
  }
}
