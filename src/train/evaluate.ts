// Accuracy, per-class accuracy and the confusion matrix of a network on a dataset, in batches.

import { datasetTensor } from '../data/batches.js';
import type { Dataset } from '../data/mnist.js';
import { CnnError } from '../errors.js';
import { kernels } from '../kernels/backend.js';
import { argmax, type Network } from '../models/network.js';

export interface Evaluation {
  accuracy: number;
  correct: number;
  total: number;
  /** Accuracy of each true class (NaN-free: a class with no samples reports 0). */
  perClass: number[];
  /** confusion[true][predicted] counts. */
  confusion: number[][];
}

/**
 * Batches of 500 by default: five times fewer kernel calls than training's 100, and products tall
 * enough to run near the matrix product's full speed. No layer mixes images at inference, so the
 * batch size changes an image's scores only where it changes how a product is split across threads
 * (its last bits).
 */
export function evaluate(network: Network, dataset: Dataset, batchSize = 500): Evaluation {
  const K = network.classes;
  checkClasses(network, dataset);
  const confusion = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  // One input buffer for every batch, where the backend's kernels read it in place.
  const input = kernels().allocate(Math.min(batchSize, dataset.count) * dataset.rows * dataset.columns, 'float32') as Float32Array;
  for (let start = 0; start < dataset.count; start += batchSize) {
    const count = Math.min(batchSize, dataset.count - start);
    const scores = network.predict(datasetTensor(dataset, start, count, input), false);
    for (let n = 0; n < count; n++) {
      confusion[dataset.labels[start + n]][argmax(scores.data, n * K, K)]++;
    }
  }
  const correct = confusion.reduce((sum, row, k) => sum + row[k], 0);
  const perClass = confusion.map((row, k) => {
    const total = row.reduce((a, b) => a + b, 0);
    return total === 0 ? 0 : row[k] / total;
  });
  const total = dataset.count;
  return { accuracy: total === 0 ? 0 : correct / total, correct, total, perClass, confusion };
}

/** A model with fewer outputs than the data has classes cannot be trained or scored on it. */
export function checkClasses(network: Network, dataset: Dataset): void {
  let largest = -1;
  for (let i = 0; i < dataset.count; i++) if (dataset.labels[i] > largest) largest = dataset.labels[i];
  if (largest >= network.classes) {
    throw new CnnError(`the model outputs ${network.classes} classes, but the labels go up to ${largest}; its last affine layer needs at least ${largest + 1} units`);
  }
}
