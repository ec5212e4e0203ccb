// RMSprop: AdaGrad with a forgetting sum, so old gradients fade.
// h <- d h + (1 - d) dW^2; W <- W - lr dW / (sqrt(h) + 1e-7).

import { flushSubnormal } from '../kernels/elementwise.js';
import type { FloatArray } from '../tensor/tensor.js';
import { Optimizer } from './optimizer.js';

export class RMSprop extends Optimizer {
  readonly name = 'rmsprop';
  protected readonly slotCount = 1;

  constructor(learningRate = 0.01, readonly decayRate = 0.99) {
    super(learningRate);
  }

  protected updateOne(w: FloatArray, g: FloatArray, [h]: FloatArray[]): void {
    const { learningRate: lr, decayRate: d } = this;
    for (let i = 0; i < w.length; i++) {
      h[i] = flushSubnormal(d * h[i] + (1 - d) * g[i] * g[i]);
      w[i] -= (lr * g[i]) / (Math.sqrt(h[i]) + 1e-7);
    }
  }
}
