// The training loop: epochs over fresh seeded permutations, an optimizer step per batch, a test
// evaluation after each epoch. It reports through callbacks and never prints: the CLI decides how.
// A run can stop between any two steps and later continue from a TrainPosition exactly as if it had
// never stopped, because the position holds everything the loop itself keeps between steps.

import { augmentBatch } from '../data/augment.js';
import { batchesPerEpoch, epochBatches } from '../data/batches.js';
import type { Dataset } from '../data/mnist.js';
import { CnnError } from '../errors.js';
import type { Network } from '../models/network.js';
import type { Optimizer } from '../optim/optimizer.js';
import { Random, mixSeed, streams, type RandomState } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { evaluate } from './evaluate.js';

export interface EpochRecord {
  epoch: number;
  /** Mean training loss over the epoch's batches. */
  trainLoss: number;
  /** Running accuracy on the training batches as they were learned (no extra pass, as Keras reports). */
  trainAccuracy: number;
  testAccuracy: number;
  /** Accuracy on the held-out part of the training set, when the run has one (--validation). */
  validationAccuracy?: number;
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

/** Where a run stands between two steps: with the weights and optimizer state, all a resume needs. */
export interface TrainPosition {
  /** Epochs finished. */
  epoch: number;
  /** Batches of the next epoch already learned: 0 at an epoch boundary. */
  batch: number;
  /** The sample-order RNG as it was just before the next epoch drew its permutation. */
  random: RandomState;
  /** Running sums of the epoch in progress, so its record comes out the same after a resume. */
  lossSum: number;
  correct: number;
  images: number;
  seconds: number;
}

export interface TrainOptions {
  /** The epoch to stop after, counted from the very start of the run (not from a resume). */
  epochs: number;
  batchSize: number;
  optimizer: Optimizer;
  /** Seeds the order of samples in every epoch (ignored when resuming), the dropout masks and the augmentation. */
  seed: number;
  /** Trains on randomly shifted and rotated copies of each batch (data/augment.ts). */
  augment?: boolean;
  /** Images held out of training, evaluated after every epoch to choose among epochs without the test set. */
  validation?: Dataset;
  /** Continue from here instead of from epoch 0 (the network and optimizer must be restored too). */
  resume?: TrainPosition;
  /** Asked before every step; true stops the run there, and onStop receives the position. */
  shouldStop?: () => boolean;
  onBatch?: (progress: BatchProgress) => void;
  /** Called after each epoch with the position a resume would start from. */
  onEpoch?: (record: EpochRecord, position: TrainPosition) => void | Promise<void>;
  onStop?: (position: TrainPosition) => void | Promise<void>;
}

/** The loss or the weights stopped being finite numbers: the learning rate is usually too high. */
export class TrainingDiverged extends CnnError {
  override name = 'TrainingDiverged';

  constructor(
    readonly epoch: number,
    readonly batch: number,
    readonly what: string,
  ) {
    super(`training diverged at epoch ${epoch}, batch ${batch}: ${what}`);
  }
}

/** Returns the records of the epochs finished by this call; a stopped run returns those before the stop. */
export async function train(network: Network, trainSet: Dataset, testSet: Dataset, options: TrainOptions): Promise<EpochRecord[]> {
  const { epochs, batchSize, optimizer } = options;
  const start = options.resume;
  const random = start ? Random.fromState(start.random) : new Random(options.seed);
  const params = network.params();
  const batches = batchesPerEpoch(trainSet.count, batchSize);
  const history: EpochRecord[] = [];
  const augmented = options.augment ? augmenter() : undefined;
  for (let epoch = (start?.epoch ?? 0) + 1; epoch <= epochs; epoch++) {
    const resumed = start !== undefined && epoch === start.epoch + 1 ? start : undefined;
    const epochRandom = wordsOf(random);
    const started = performance.now() - (resumed?.seconds ?? 0) * 1000;
    let lossSum = resumed?.lossSum ?? 0;
    let correct = resumed?.correct ?? 0;
    let images = resumed?.images ?? 0;
    const position = (batch: number): TrainPosition => ({
      epoch: epoch - 1, batch, random: epochRandom, lossSum, correct, images, seconds: (performance.now() - started) / 1000,
    });
    for (const batch of epochBatches(trainSet, batchSize, random)) {
      // A resumed epoch draws the same permutation and passes over the batches already learned.
      if (resumed !== undefined && batch.index < resumed.batch) continue;
      if (options.shouldStop?.()) {
        await options.onStop?.(position(batch.index));
        return history;
      }
      // Dropout masks and augmentation come from the seed and the step's place in the run, not from a
      // stream that runs on: a resumed run draws the same ones with no state saved.
      network.reseedNoise(options.seed, epoch, batch.index);
      const x = augmented ? augmented(batch.x, new Random(mixSeed(options.seed, epoch, batch.index, streams.augment))) : batch.x;
      const loss = network.gradient(x, batch.labels);
      // Checked before the update, so the weights never take a step computed from a broken loss.
      if (!Number.isFinite(loss)) throw new TrainingDiverged(epoch, batch.index + 1, `the loss became ${loss}`);
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
    // A finite loss can still come with an overflowing gradient; such weights must never be saved.
    const broken = params.find((param) => !param.value.data.every(Number.isFinite));
    if (broken !== undefined) throw new TrainingDiverged(epoch, batches, `weights of ${broken.name} are no longer finite`);
    const testAccuracy = evaluate(network, testSet).accuracy;
    const validationAccuracy = options.validation === undefined ? undefined : evaluate(network, options.validation).accuracy;
    const record: EpochRecord = {
      epoch, trainLoss: lossSum / images, trainAccuracy: correct / images, testAccuracy,
      ...(validationAccuracy !== undefined && { validationAccuracy }),
      seconds: (performance.now() - started) / 1000,
    };
    history.push(record);
    await options.onEpoch?.(record, {
      epoch, batch: 0, random: wordsOf(random), lossSum: 0, correct: 0, images: 0, seconds: 0,
    });
  }
  return history;
}

/** Makes shifted and rotated copies of batches, in one buffer reused from step to step. */
function augmenter(): (x: Tensor, random: Random) => Tensor {
  let buffer = new Float32Array(0);
  return (x, random) => {
    const [count, , rows, columns] = x.shape;
    if (buffer.length !== x.data.length) buffer = new Float32Array(x.data.length);
    augmentBatch(x.data as Float32Array, buffer, count, rows, columns, random);
    return { shape: x.shape, data: buffer };
  };
}

/** The RNG state as unsigned words: xoshiro's xors leave some negative, and a file should not care. */
function wordsOf(random: Random): RandomState {
  return random.state().map((word) => word >>> 0) as RandomState;
}
