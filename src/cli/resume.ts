// The settings of a training run: from train's flags for a new run, or from a checkpoint for
// `--resume`, where a flag may only repeat what the checkpoint says (or ask for more epochs): a run
// that changed its batch size halfway would no longer be the run it claims to continue.

import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { WeightInit } from '../layers/layer.js';
import { checkpointPath, loadCheckpoint, type Checkpoint, type TrainSettings } from '../io/checkpoint.js';
import { createOptimizer } from '../optim/index.js';
import { defaultOutput } from './locations.js';
import { threadsFor } from './threads.js';

export interface TrainFlags {
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
  resume?: string;
  json?: boolean;
  progress: boolean;
  threads?: number;
  augment?: boolean;
  validation?: number;
  weightInit?: WeightInit;
}

export interface RunPlan {
  settings: TrainSettings;
  /** Where the snapshot and the checkpoint go. */
  out: string;
  checkpoint: string;
  resumed?: Checkpoint;
}

export function planNewRun(flags: TrainFlags): RunPlan {
  const out = flags.out ?? defaultOutput(flags.model);
  const settings: TrainSettings = {
    model: flags.model, epochs: flags.epochs, batchSize: flags.batchSize, optimizer: flags.optimizer,
    // The optimizer knows its own default rate; recorded resolved, so a resume never depends on defaults.
    learningRate: flags.lr ?? createOptimizer(flags.optimizer).learningRate,
    seed: flags.seed, trainLimit: flags.trainLimit ?? null, testLimit: flags.testLimit ?? null,
    data: flags.data === undefined ? null : resolve(flags.data), out: basename(out),
    threads: threadsFor(flags.threads),
    augment: flags.augment === true,
    validation: flags.validation ?? null,
    weightInit: flags.weightInit ?? null,
  };
  return { settings, out, checkpoint: checkpointPath(out) };
}

export async function planResume(path: string, flags: TrainFlags, command: Command): Promise<RunPlan> {
  const resumed = await loadCheckpoint(path);
  const saved = resumed.settings;
  const out = join(dirname(path), saved.out);
  const given = (key: keyof TrainFlags): boolean => command.getOptionValueSource(key) === 'cli';
  const conflict = (option: string, value: unknown, savedValue: unknown): never => {
    const made = savedValue === null ? `without ${option}` : `with ${option} ${String(savedValue)}`;
    throw new UsageError(`${option} ${String(value)}: the checkpoint was made ${made}; a resumed run keeps its settings (only --epochs may grow)`);
  };
  const same: [keyof TrainFlags, string, unknown, unknown][] = [
    ['model', '--model', flags.model, saved.model],
    ['batchSize', '--batch-size', flags.batchSize, saved.batchSize],
    ['optimizer', '--optimizer', flags.optimizer, saved.optimizer],
    ['lr', '--lr', flags.lr, saved.learningRate],
    ['seed', '--seed', flags.seed, saved.seed],
    ['trainLimit', '--train-limit', flags.trainLimit, saved.trainLimit],
    ['testLimit', '--test-limit', flags.testLimit, saved.testLimit],
    ['data', '--data', flags.data && resolve(flags.data), saved.data],
    ['out', '--out', flags.out && resolve(flags.out), resolve(out)],
    ['threads', '--threads', flags.threads, saved.threads],
    ['augment', '--augment', flags.augment === true, saved.augment],
    ['validation', '--validation', flags.validation, saved.validation],
    ['weightInit', '--weight-init', flags.weightInit, saved.weightInit],
  ];
  for (const [key, option, value, savedValue] of same) {
    if (given(key) && value !== savedValue) conflict(option, value, savedValue);
  }
  const done = resumed.position.epoch;
  let epochs = saved.epochs;
  if (given('epochs')) {
    if (flags.epochs <= done) {
      throw new UsageError(`--epochs ${flags.epochs}: the checkpoint has finished ${done} epochs already; ask for more`);
    }
    epochs = flags.epochs;
  } else if (done >= saved.epochs) {
    throw new UsageError(`${path}: the run has finished all ${saved.epochs} epochs; add --epochs N (more than ${done}) to train on`);
  }
  return { settings: { ...saved, epochs }, out, checkpoint: path, resumed };
}
