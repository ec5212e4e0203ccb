// Nesterov's accelerated gradient in the book's form (after Bengio et al.): the momentum step looks
// ahead, W <- W + m^2 v - (1 + m) lr dW, with v <- m v - lr dW.

import { kernels } from '../kernels/backend.js';
import type { FloatArray } from '../tensor/tensor.js';
import { Optimizer } from './optimizer.js';

export class Nesterov extends Optimizer {
  readonly name = 'nesterov';
  protected readonly slotCount = 1;

  constructor(learningRate = 0.01, readonly momentum = 0.9) {
    super(learningRate);
  }

  protected updateOne(w: FloatArray, g: FloatArray, [v]: FloatArray[]): void {
    kernels().momentumUpdate(w, g, v, w.length, this.learningRate, this.momentum, true);
  }
}
