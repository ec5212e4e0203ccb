// The training loop: epochs over fresh seeded permutations, an optimizer step per batch, a test
// evaluation after each epoch. It reports through callbacks and never prints: the CLI decides how.

import { batchesPerEpoch, epochBatches } from '../data/batches.js';
import type { Dataset } from '../data/mnist.js';
import type { Network } from '../models/network.js';
import type { Optimizer } from '../optim/optimizer.js';
import { Random } from '../tensor/random.js';
import { evaluate } from './evaluate.js';

export interface EpochRecord {
  epoch: number;
  /** Mean training loss over the epoch's batches. */
  trainLoss: number;
  /** Running accuracy on the training batches as they were learned (no extra pass, as Keras reports). */
  trainAccuracy: number;
  testAccuracy: number;
  seconds: number;
}

export interface BatchProgress {
  epoch: number;
  batch: number;
  batches: number;
  images: number;
  loss: number;
  accuracy: number;
  imagesPerSecond: number;
}

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  optimizer: Optimizer;
  /** Seeds the order of samples in every epoch. */
  seed: number;
  onBatch?: (progress: BatchProgress) => void;
  onEpoch?: (record: EpochRecord) => void | Promise<void>;
}

export async function train(network: Network, trainSet: Dataset, testSet: Dataset, options: TrainOptions): Promise<EpochRecord[]> {
  const { epochs, batchSize, optimizer } = options;
  const random = new Random(options.seed);
  const params = network.params();
  const batches = batchesPerEpoch(trainSet.count, batchSize);
  const history: EpochRecord[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const started = performance.now();
    let lossSum = 0;
    let correct = 0;
    let images = 0;
    for (const batch of epochBatches(trainSet, batchSize, random)) {
      const loss = network.gradient(batch.x, batch.labels);
      optimizer.update(params);
      lossSum += loss * batch.labels.length;
      correct += network.lastLayer.countCorrect();
      images += batch.labels.length;
      const elapsed = (performance.now() - started) / 1000;
      options.onBatch?.({
        epoch, batch: batch.index + 1, batches, images, loss: lossSum / images, accuracy: correct / images,
        imagesPerSecond: images / Math.max(elapsed, 1e-9),
      });
      // Let timers and signals run between steps: progress bars redraw and Ctrl-C is heard.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const testAccuracy = evaluate(network, testSet, 100).accuracy;
    const record: EpochRecord = {
      epoch, trainLoss: lossSum / images, trainAccuracy: correct / images, testAccuracy,
      seconds: (performance.now() - started) / 1000,
    };
    history.push(record);
    await options.onEpoch?.(record);
  }
  return history;
}
