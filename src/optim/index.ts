// The optimizers by name, simple to complex, with the book's default learning rates.

import { AdaGrad } from './adagrad.js';
import { Adam } from './adam.js';
import { Momentum } from './momentum.js';
import { Nesterov } from './nesterov.js';
import type { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

export const optimizerNames = ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam'] as const;
export type OptimizerName = (typeof optimizerNames)[number];

export function createOptimizer(name: string, learningRate?: number): Optimizer {
  switch (name) {
    case 'sgd':
      return new SGD(learningRate);
    case 'momentum':
      return new Momentum(learningRate);
    case 'nesterov':
      return new Nesterov(learningRate);
    case 'adagrad':
      return new AdaGrad(learningRate);
    case 'rmsprop':
      return new RMSprop(learningRate);
    case 'adam':
      return new Adam(learningRate);
    default:
      throw new RangeError(`unknown optimizer "${name}" (choose from ${optimizerNames.join(', ')})`);
  }
}

export { AdaGrad, Adam, Momentum, Nesterov, RMSprop, SGD };
export type { Optimizer };
