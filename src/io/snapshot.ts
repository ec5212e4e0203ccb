// The params JSON: a format tag and version, the model as a ModelSpec, every weight tensor, and
// metadata about the run. Loading trusts nothing in the file and names the first thing wrong.
//
// Tensor data is base64 of little-endian float32, not a decimal array: it round-trips bitwise (save
// then load gives the very same weights) and is about 4x smaller (SimpleConvNet has ~434k floats).

import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CnnError } from '../errors.js';
import type { ModelSpec, Network } from '../models/network.js';
import { buildNetwork } from '../models/validate.js';
import { formatShape, sameShape, type FloatArray } from '../tensor/tensor.js';
import type { EpochRecord } from '../train/train.js';
import { writeFileAtomic } from './atomic.js';

const formatTag = 'cnn-snapshot';
const version = 1;

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
}

export function serializeSnapshot(network: Network, metadata: SnapshotMetadata): string {
  if (network.dtype !== 'float32') {
    throw new RangeError(`snapshots hold float32 weights; this network is ${network.dtype}`);
  }
  checkMetadata(metadata, 'refusing to save');
  const tensors: Record<string, TensorEntry> = {};
  for (const param of network.params()) {
    const bad = firstNonFinite(param.value.data);
    if (bad !== undefined) {
      throw new CnnError(`refusing to save: ${param.name} holds ${bad.value} at index ${bad.index}`);
    }
    tensors[param.name] = { shape: [...param.value.shape], dtype: 'float32', data: encodeFloat32(param.value.data) };
  }
  const model = { input: [...network.model.input], layers: network.layers.map((layer) => layer.spec()) };
  // Metadata before the tensors, so the head of the file tells what it holds.
  return `${JSON.stringify({ format: formatTag, version, model, metadata, tensors }, null, 2)}\n`;
}

export function parseSnapshot(text: string, where: string): { network: Network; metadata: SnapshotMetadata } {
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
  const fields = document as Record<string, unknown>;
  if (fields.format !== formatTag) {
    fail(`not a cnn snapshot: format is ${JSON.stringify(fields.format) ?? 'missing'}, expected "${formatTag}"`);
  }
  if (fields.version !== version) {
    fail(`snapshot version ${JSON.stringify(fields.version) ?? 'missing'} is not supported (this cnn reads version ${version})`);
  }
  // buildNetwork validates the untrusted model before it builds anything.
  const network = buildNetwork(fields.model as ModelSpec, where, { dtype: 'float32' });
  const tensors = fields.tensors;
  if (!isObject(tensors)) fail(`tensors must be an object, got ${JSON.stringify(tensors) ?? 'nothing'}`);
  const entries = tensors as Record<string, unknown>;
  const params = network.params();
  for (const param of params) {
    if (!Object.hasOwn(entries, param.name)) fail(`tensor ${param.name} is missing`);
    loadTensor(entries[param.name], param.name, param.value.shape, param.value.data, fail);
  }
  const expected = new Set(params.map((param) => param.name));
  const extra = Object.keys(entries).find((name) => !expected.has(name));
  if (extra !== undefined) fail(`unexpected tensor ${extra} (the model has ${[...expected].join(', ')})`);
  const metadata = fields.metadata ?? {};
  checkMetadata(metadata, where);
  return { network, metadata: metadata as SnapshotMetadata };
}

export async function saveSnapshot(path: string, network: Network, metadata: SnapshotMetadata): Promise<void> {
  const text = serializeSnapshot(network, metadata);
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, text);
  } catch (error) {
    throw new CnnError(`cannot write ${path}: ${(error as Error).message}`, { cause: error });
  }
}

export async function loadSnapshot(path: string): Promise<{ network: Network; metadata: SnapshotMetadata }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' :
      code === 'EISDIR' ? 'is a directory, expected a snapshot file' :
      code === 'EACCES' || code === 'EPERM' ? 'permission denied' :
      `cannot read: ${(error as Error).message}`;
    throw new CnnError(`${path}: ${reason}`, { cause: error });
  }
  if (text.trim() === '') throw new CnnError(`${path}: file is empty`);
  return parseSnapshot(text, path);
}

function loadTensor(
  entry: unknown,
  name: string,
  shape: readonly number[],
  target: FloatArray,
  fail: (message: string) => never,
): void {
  if (!isObject(entry)) fail(`tensor ${name} must be an object with shape, dtype and data`);
  const { shape: savedShape, dtype, data } = entry as Record<string, unknown>;
  if (!Array.isArray(savedShape) || !sameShape(savedShape, shape)) {
    fail(`tensor ${name} has shape ${JSON.stringify(savedShape) ?? 'missing'}, expected ${formatShape(shape)}`);
  }
  if (dtype !== 'float32') fail(`tensor ${name} has dtype ${JSON.stringify(dtype) ?? 'missing'}, expected "float32"`);
  // Buffer's decoder skips characters it does not know; a corrupted file must fail instead.
  if (typeof data !== 'string' || data.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(data)) {
    fail(`tensor ${name}: data is not a base64 string`);
  }
  const bytes = Buffer.from(data as string, 'base64');
  if (bytes.length !== 4 * target.length) {
    fail(`tensor ${name}: data holds ${bytes.length} bytes, expected ${4 * target.length} (${target.length} float32 values)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < target.length; i++) {
    const value = view.getFloat32(4 * i, true);
    if (!Number.isFinite(value)) fail(`tensor ${name} holds ${value} at index ${i}`);
    target[i] = value;
  }
}

// DataView with an explicit little-endian flag, so the bytes are the same on any machine.
function encodeFloat32(values: FloatArray): string {
  const bytes = Buffer.alloc(4 * values.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < values.length; i++) view.setFloat32(4 * i, values[i], true);
  return bytes.toString('base64');
}

function firstNonFinite(values: FloatArray): { index: number; value: number } | undefined {
  for (let index = 0; index < values.length; index++) {
    if (!Number.isFinite(values[index])) return { index, value: values[index] };
  }
  return undefined;
}

// Loose on purpose: known keys must have the right kind of value, anything else passes through.
function checkMetadata(metadata: unknown, where: string): void {
  const fail = (message: string): never => {
    throw new CnnError(`${where}: metadata${message}`);
  };
  if (!isObject(metadata)) fail(` must be an object, got ${JSON.stringify(metadata)}`);
  const fields = metadata as Record<string, unknown>;
  for (const key of ['model', 'dataset', 'optimizer', 'date']) {
    if (fields[key] !== undefined && typeof fields[key] !== 'string') fail(`.${key} must be a string, got ${JSON.stringify(fields[key])}`);
  }
  const numbers = ['epochs', 'seed', 'batchSize', 'learningRate', 'trainAccuracy', 'testAccuracy', 'seconds'];
  for (const key of numbers) checkNumber(fields[key], `.${key}`, fail);
  if (fields.history === undefined) return;
  if (!Array.isArray(fields.history)) fail(`.history must be an array, got ${JSON.stringify(fields.history)}`);
  (fields.history as unknown[]).forEach((record, index) => {
    if (!isObject(record)) fail(`.history[${index}] must be an object, got ${JSON.stringify(record)}`);
    for (const key of ['epoch', 'trainLoss', 'trainAccuracy', 'testAccuracy', 'seconds']) {
      const value = (record as Record<string, unknown>)[key];
      if (value === undefined) fail(`.history[${index}].${key} is missing`);
      checkNumber(value, `.history[${index}].${key}`, fail);
    }
  });
}

function checkNumber(value: unknown, label: string, fail: (message: string) => never): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
    fail(`${label} must be a finite number, got ${typeof value === 'number' ? value : JSON.stringify(value)}`);
  }
}

// V8 reports a cut-off document as "end of JSON input" or as an error at its very last position.
function looksTruncated(message: string, text: string): boolean {
  const position = /at position (\d+)/.exec(message);
  return /end of JSON input/.test(message) || (position !== null && Number(position[1]) >= text.trimEnd().length);
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
