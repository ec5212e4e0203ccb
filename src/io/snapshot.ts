// The params JSON: a format tag and version, the model as a ModelSpec, every weight tensor, and
// metadata about the run. Loading trusts nothing in the file and names the first thing wrong.
//
// Tensor data is base64 of little-endian float32 with a checksum (float32.ts). A training checkpoint
// (checkpoint.ts) is this same document with one more section, so every snapshot check applies to it.

import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CnnError } from '../errors.js';
import type { ModelSpec, Network } from '../models/network.js';
import { buildNetwork, countParameters, validateModelSpec } from '../models/validate.js';
import { formatShape, sameShape, type FloatArray } from '../tensor/tensor.js';
import type { EpochRecord } from '../train/train.js';
import { writeFileAtomic } from './atomic.js';
import { readUserFile } from './files.js';
import { decodeFloat32, encodeFloat32, firstNonFinite } from './float32.js';

const formatTag = 'cnn-snapshot';
const version = 1;
// A JavaScript string holds at most about 512 M characters; Adam's checkpoint of the largest model
// validate.ts allows stays below this.
const MAX_FILE_BYTES = 500 * 2 ** 20;
// A missing or short tensor is reported by name below; only a model far larger than its data is
// stopped before the network is built.
const PARAMETER_SLACK = 1_000_000;

/** What a run records beside its weights. Keys this version does not know are kept as they are. */
export interface SnapshotMetadata {
  /** Preset name. */
  model?: string;
  dataset?: string;
  epochs?: number;
  seed?: number;
  batchSize?: number;
  optimizer?: string;
  learningRate?: number;
  trainAccuracy?: number;
  testAccuracy?: number;
  date?: string;
  seconds?: number;
  history?: EpochRecord[];
  [key: string]: unknown;
}

interface TensorEntry {
  shape: number[];
  dtype: 'float32';
  data: string;
  sha256: string;
}

export type SnapshotDocument = Record<string, unknown>;

export function serializeSnapshot(network: Network, metadata: SnapshotMetadata): string {
  return serializeDocument(snapshotDocument(network, metadata));
}

export function serializeDocument(document: SnapshotDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** The snapshot as an object; extra sections go in with `sections`, before the bulky tensors. */
export function snapshotDocument(network: Network, metadata: SnapshotMetadata, sections: SnapshotDocument = {}): SnapshotDocument {
  if (network.dtype !== 'float32') {
    throw new RangeError(`snapshots hold float32 weights; this network is ${network.dtype}`);
  }
  checkMetadata(metadata, 'refusing to save');
  const tensors: Record<string, TensorEntry> = {};
  for (const param of network.tensors()) {
    const bad = firstNonFinite(param.value.data);
    if (bad !== undefined) {
      throw new CnnError(`refusing to save: ${param.name} holds ${bad.value} at index ${bad.index}`);
    }
    tensors[param.name] = { shape: [...param.value.shape], dtype: 'float32', ...encodeFloat32(param.value.data) };
  }
  const model = { input: [...network.model.input], layers: network.layers.map((layer) => layer.spec()) };
  // Metadata before the tensors, so the head of the file tells what it holds.
  return { format: formatTag, version, model, metadata, ...sections, tensors };
}

export function parseSnapshot(text: string, where: string): { network: Network; metadata: SnapshotMetadata } {
  return snapshotFromDocument(parseDocument(text, where), where);
}

/** JSON text to an object, or a CnnError that says how the text is broken. */
export function parseDocument(text: string, where: string): SnapshotDocument {
  const fail = (message: string): never => {
    throw new CnnError(`${where}: ${message}`);
  };
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message.replace(/\s+/g, ' ');
    fail(`not valid JSON${looksTruncated(message, text) ? ' (truncated?)' : ''}: ${message}`);
  }
  if (!isObject(document)) {
    fail(`expected a JSON object, got ${Array.isArray(document) ? 'an array' : document === null ? 'null' : `a ${typeof document}`}`);
  }
  return document as SnapshotDocument;
}

export function snapshotFromDocument(fields: SnapshotDocument, where: string): { network: Network; metadata: SnapshotMetadata } {
  const fail = (message: string): never => {
    throw new CnnError(`${where}: ${message}`);
  };
  if (fields.format !== formatTag) {
    fail(`not a cnn snapshot: format is ${brief(fields.format)}, expected "${formatTag}"`);
  }
  if (fields.version !== version) {
    fail(`snapshot version ${brief(fields.version)} is not supported (this cnn reads version ${version})`);
  }
  const tensors = fields.tensors;
  if (!isObject(tensors)) fail(`tensors must be an object, got ${brief(tensors)}`);
  const entries = tensors as Record<string, unknown>;
  // Building a network allocates and initialises all its weights: a few bytes of model that ask for
  // 60 million of them must fail before that, not after seconds and half a gigabyte.
  const needed = countParameters(validateModelSpec(fields.model, where));
  const held = Object.values(entries).reduce<number>((sum, entry) => sum + floatsIn(entry), 0);
  if (needed > held + PARAMETER_SLACK) fail(`the model needs ${needed} weights, but the file holds only ${held}`);
  const network = buildNetwork(fields.model as ModelSpec, where, { dtype: 'float32', initialize: false });
  const params = network.tensors();
  for (const param of params) {
    if (!Object.hasOwn(entries, param.name)) fail(`tensor ${param.name} is missing`);
    loadTensor(entries[param.name], param.name, param.value.shape, param.value.data, fail);
  }
  // A variance below zero passes every other check and turns every score into NaN.
  for (const { name, value } of params) {
    const negative = name.endsWith('.runningVariance') ? value.data.findIndex((variance) => variance < 0) : -1;
    if (negative >= 0) fail(`tensor ${name} holds a negative variance ${value.data[negative]} at index ${negative}`);
  }
  const expected = new Set(params.map((param) => param.name));
  const extra = Object.keys(entries).find((name) => !expected.has(name));
  if (extra !== undefined) fail(`unexpected tensor ${extra} (the model has ${[...expected].join(', ')})`);
  const metadata = fields.metadata ?? {};
  checkMetadata(metadata, where);
  return { network, metadata: metadata as SnapshotMetadata };
}

export async function saveSnapshot(path: string, network: Network, metadata: SnapshotMetadata): Promise<void> {
  await saveDocument(path, serializeSnapshot(network, metadata));
}

/** Saves any snapshot-shaped document (a checkpoint too) atomically, creating missing directories. */
export async function saveDocument(path: string, text: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, text);
  } catch (error) {
    throw new CnnError(`cannot write ${path}: ${(error as Error).message}`, { cause: error });
  }
}

export async function loadSnapshot(path: string): Promise<{ network: Network; metadata: SnapshotMetadata }> {
  return parseSnapshot(await readSnapshotText(path), path);
}

export async function readSnapshotText(path: string): Promise<string> {
  const text = (await readUserFile(path, { kind: 'a snapshot file', maxBytes: MAX_FILE_BYTES })).toString('utf8');
  if (text.trim() === '') throw new CnnError(`${path}: the file is empty`);
  return text;
}

/** How many float32 values a tensor entry's data could hold, without decoding it. */
function floatsIn(entry: unknown): number {
  const data = isObject(entry) ? (entry as Record<string, unknown>).data : undefined;
  return typeof data === 'string' ? Math.floor((data.length * 3) / 16) : 0;
}

function loadTensor(
  entry: unknown,
  name: string,
  shape: readonly number[],
  target: FloatArray,
  fail: (message: string) => never,
): void {
  if (!isObject(entry)) fail(`tensor ${name} must be an object with shape, dtype and data`);
  const { shape: savedShape, dtype, data, sha256 } = entry as Record<string, unknown>;
  if (!Array.isArray(savedShape) || !sameShape(savedShape, shape)) {
    fail(`tensor ${name} has shape ${brief(savedShape)}, expected ${formatShape(shape)}`);
  }
  if (dtype !== 'float32') fail(`tensor ${name} has dtype ${brief(dtype)}, expected "float32"`);
  const problem = decodeFloat32(data, sha256, target, `tensor ${name}`);
  if (problem !== undefined) fail(problem);
}

// Loose on purpose: known keys must have the right kind of value, anything else passes through.
function checkMetadata(metadata: unknown, where: string): void {
  const fail = (message: string): never => {
    throw new CnnError(`${where}: metadata${message}`);
  };
  if (!isObject(metadata)) fail(` must be an object, got ${brief(metadata)}`);
  const fields = metadata as Record<string, unknown>;
  for (const key of ['model', 'dataset', 'optimizer', 'date']) {
    if (fields[key] !== undefined && typeof fields[key] !== 'string') fail(`.${key} must be a string, got ${brief(fields[key])}`);
  }
  const numbers = ['epochs', 'seed', 'batchSize', 'learningRate', 'trainAccuracy', 'testAccuracy', 'seconds'];
  for (const key of numbers) checkNumber(fields[key], `.${key}`, fail);
  if (fields.history === undefined) return;
  if (!Array.isArray(fields.history)) fail(`.history must be an array, got ${brief(fields.history)}`);
  (fields.history as unknown[]).forEach((record, index) => {
    if (!isObject(record)) fail(`.history[${index}] must be an object, got ${brief(record)}`);
    for (const key of ['epoch', 'trainLoss', 'trainAccuracy', 'testAccuracy', 'seconds']) {
      const value = (record as Record<string, unknown>)[key];
      if (value === undefined) fail(`.history[${index}].${key} is missing`);
      checkNumber(value, `.history[${index}].${key}`, fail);
    }
    checkNumber((record as Record<string, unknown>).validationAccuracy, `.history[${index}].validationAccuracy`, fail);
  });
}

function checkNumber(value: unknown, label: string, fail: (message: string) => never): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
    fail(`${label} must be a finite number, got ${typeof value === 'number' ? value : brief(value)}`);
  }
}

// V8 reports a cut-off document as "end of JSON input" or as an error at its very last position.
function looksTruncated(message: string, text: string): boolean {
  const position = /at position (\d+)/.exec(message);
  return /end of JSON input/.test(message) || (position !== null && Number(position[1]) >= text.trimEnd().length);
}

/** A value from the file for a one-line message: JSON, cut short, 'missing' for nothing at all. */
export function brief(value: unknown): string {
  const text = JSON.stringify(value) ?? 'missing';
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
