// AdaGrad: each weight's step shrinks with the sum of its squared gradients so far.
// h <- h + dW^2; W <- W - lr dW / (sqrt(h) + 1e-7).

import { kernels } from '../kernels/backend.js';
import type { FloatArray } from '../tensor/tensor.js';
import { Optimizer } from './optimizer.js';

export class AdaGrad extends Optimizer {
  readonly name = 'adagrad';
  protected readonly slotCount = 1;

  constructor(learningRate = 0.01) {
    super(learningRate);
  }

  protected updateOne(w: FloatArray, g: FloatArray, [h]: FloatArray[]): void {
    kernels().scaledUpdate(w, g, h, w.length, this.learningRate, 1, 1);
  }
}
