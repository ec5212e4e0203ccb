// Momentum: a velocity that remembers past gradients. v <- m v - lr dW; W <- W + v.

import { kernels } from '../kernels/backend.js';
import type { FloatArray } from '../tensor/tensor.js';
import { Optimizer } from './optimizer.js';

export class Momentum extends Optimizer {
  readonly name = 'momentum';
  protected readonly slotCount = 1;

  constructor(learningRate = 0.01, readonly momentum = 0.9) {
    super(learningRate);
  }

  protected updateOne(w: FloatArray, g: FloatArray, [v]: FloatArray[]): void {
    kernels().momentumUpdate(w, g, v, w.length, this.learningRate, this.momentum, false);
  }
}
