// The test images a network gets wrong, most confident first: a confident mistake is the most telling
// one (a badly written digit, a wrong label in MNIST itself, or a real blind spot). Pure: network and
// dataset in, ranked list out.

import { datasetTensor } from '../data/batches.js';
import type { Dataset } from '../data/mnist.js';
import { argmax, type Network } from '../models/network.js';

export interface Mistake {
  /** Position in the dataset. */
  index: number;
  label: number;
  predicted: number;
  /** Probability the network gave its (wrong) answer. */
  confidence: number;
  /** Probability it gave the right answer. */
  trueProbability: number;
}

export function findMistakes(network: Network, dataset: Dataset, batchSize = 100): Mistake[] {
  const mistakes: Mistake[] = [];
  const K = network.classes;
  for (let start = 0; start < dataset.count; start += batchSize) {
    const count = Math.min(batchSize, dataset.count - start);
    const probabilities = network.probabilities(datasetTensor(dataset, start, count)).data;
    for (let n = 0; n < count; n++) {
      const predicted = argmax(probabilities, n * K, K);
      const label = dataset.labels[start + n];
      if (predicted === label) continue;
      mistakes.push({
        index: start + n, label, predicted,
        confidence: probabilities[n * K + predicted], trueProbability: probabilities[n * K + label],
      });
    }
  }
  // Ties keep dataset order, so the gallery is the same on every run.
  return mistakes.sort((a, b) => b.confidence - a.confidence || a.index - b.index);
}

/** The 28x28 image of sample `index`, bytes as stored (light ink on black, as the network saw it). */
export function sampleImage(dataset: Dataset, index: number): { width: number; height: number; data: Uint8Array } {
  const size = dataset.rows * dataset.columns;
  return { width: dataset.columns, height: dataset.rows, data: dataset.images.subarray(index * size, (index + 1) * size) };
}
