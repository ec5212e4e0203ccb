// RMSprop: AdaGrad with a forgetting sum, so old gradients fade.
// h <- d h + (1 - d) dW^2; W <- W - lr dW / (sqrt(h) + 1e-7).

import { kernels } from '../kernels/backend.js';
import type { FloatArray } from '../tensor/tensor.js';
import { Optimizer } from './optimizer.js';

export class RMSprop extends Optimizer {
  readonly name = 'rmsprop';
  protected readonly slotCount = 1;

  constructor(learningRate = 0.01, readonly decayRate = 0.99) {
    super(learningRate);
  }

  protected updateOne(w: FloatArray, g: FloatArray, [h]: FloatArray[]): void {
    kernels().scaledUpdate(w, g, h, w.length, this.learningRate, this.decayRate, 1 - this.decayRate);
  }
}
