// Turns a byte dataset into float batches for the network. Images stay bytes in memory (47 MB for
// MNIST rather than 188 MB as floats); each batch is scaled to [0,1] only when it is needed.

import type { Tensor } from '../tensor/tensor.js';
import type { Random } from '../tensor/random.js';
import type { Dataset } from './mnist.js';

export interface Batch {
  /** [n,1,rows,columns]; reused by the next batch of the epoch, so copy it to keep it longer. */
  x: Tensor;
  /** n labels; reused like x. */
  labels: Uint8Array;
  /** Position of this batch within its epoch, from 0. */
  index: number;
}

/** byte/255 for every byte, computed once so training batches and evaluation tensors agree bit for bit. */
const SCALED = Float32Array.from({ length: 256 }, (_, byte) => byte / 255);

/** Writes samples indices[start..start+count) into x as (count,1,rows,columns) floats, and their labels. */
export function fillBatch(
  dataset: Dataset,
  indices: ArrayLike<number>,
  start: number,
  count: number,
  x: Float32Array,
  labels: Uint8Array,
): void {
  const size = dataset.rows * dataset.columns;
  if (start < 0 || start + count > indices.length) {
    throw new RangeError(`fillBatch: samples ${start}..${start + count} are outside the ${indices.length} indices`);
  }
  if (x.length < count * size || labels.length < count) {
    throw new RangeError(
      `fillBatch: ${count} samples need ${count * size} floats and ${count} labels, got ${x.length} and ${labels.length}`,
    );
  }
  const { images } = dataset;
  for (let n = 0; n < count; n++) {
    const sample = indices[start + n];
    if (!(sample >= 0 && sample < dataset.count)) {
      throw new RangeError(`fillBatch: sample index ${sample} is outside the dataset of ${dataset.count}`);
    }
    const source = sample * size;
    const target = n * size;
    for (let pixel = 0; pixel < size; pixel++) x[target + pixel] = SCALED[images[source + pixel]];
    labels[n] = dataset.labels[sample];
  }
}

export function batchesPerEpoch(count: number, batchSize: number): number {
  return Math.ceil(count / batchSize);
}

/**
 * One epoch: a fresh permutation drawn from random now (not lazily on the first batch, so the random
 * stream is consumed at a predictable point), then batches in that order, the last one partial.
 * Every batch is written into the same two buffers, which is safe for a train step that is done with
 * a batch before asking for the next; a consumer that keeps batches must copy them.
 */
export function epochBatches(dataset: Dataset, batchSize: number, random: Random): Generator<Batch> {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`epochBatches: batch size must be a positive integer, got ${batchSize}`);
  }
  return batchesInOrder(dataset, random.permutation(dataset.count), batchSize);
}

function* batchesInOrder(dataset: Dataset, order: Uint32Array, batchSize: number): Generator<Batch> {
  const { rows, columns } = dataset;
  const size = rows * columns;
  const fullBatch = Math.min(batchSize, order.length);
  const x = new Float32Array(fullBatch * size);
  const labels = new Uint8Array(fullBatch);
  for (let index = 0, start = 0; start < order.length; index++, start += batchSize) {
    const n = Math.min(batchSize, order.length - start);
    fillBatch(dataset, order, start, n, x, labels);
    yield {
      x: { shape: [n, 1, rows, columns], data: x.subarray(0, n * size) },
      labels: labels.subarray(0, n),
      index,
    };
  }
}

/** Samples start..start+count as one fresh [count,1,rows,columns] tensor, for evaluation. */
export function datasetTensor(dataset: Dataset, start: number, count: number): Tensor {
  const inside = Number.isInteger(start) && Number.isInteger(count) && start >= 0 && count >= 0;
  if (!inside || start + count > dataset.count) {
    throw new RangeError(`datasetTensor: samples ${start}..${start + count} are outside the dataset of ${dataset.count}`);
  }
  const { rows, columns } = dataset;
  const pixels = dataset.images.subarray(start * rows * columns, (start + count) * rows * columns);
  const data = new Float32Array(pixels.length);
  for (let index = 0; index < pixels.length; index++) data[index] = SCALED[pixels[index]];
  return { shape: [count, 1, rows, columns], data };
}
