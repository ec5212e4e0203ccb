// Turns a byte dataset into float batches for the network. Images stay bytes in memory (47 MB for
// MNIST rather than 188 MB as floats); each batch is scaled to [0,1] only when it is needed, by the
// bytesToUnit kernel, into buffers the backend allocates (so the first layer reads them in place).

import { kernels } from '../kernels/backend.js';
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

// A batch's bytes, gathered sample by sample (a copy each) before one kernel call scales them all.
let gathered: Uint8Array = new Uint8Array(0);

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
  if (gathered.length < count * size) gathered = kernels().allocateBytes(count * size);
  for (let n = 0; n < count; n++) {
    const sample = indices[start + n];
    if (!(sample >= 0 && sample < dataset.count)) {
      throw new RangeError(`fillBatch: sample index ${sample} is outside the dataset of ${dataset.count}`);
    }
    gathered.set(images.subarray(sample * size, (sample + 1) * size), n * size);
    labels[n] = dataset.labels[sample];
  }
  kernels().bytesToUnit(gathered, x, count * size);
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
  const x = kernels().allocate(fullBatch * size, 'float32') as Float32Array;
  const labels = new Uint8Array(fullBatch);
  for (let index = 0, start = 0; start < order.length; index++, start += batchSize) {
    const n = Math.min(batchSize, order.length - start);
    fillBatch(dataset, order, start, n, x, labels);
    yield {
      // The whole buffer where it fits: an arena view must stay the one that owns its block.
      x: { shape: [n, 1, rows, columns], data: n === fullBatch ? x : x.subarray(0, n * size) },
      labels: labels.subarray(0, n),
      index,
    };
  }
}

/**
 * Samples start..start+count as a [count,1,rows,columns] tensor, for evaluation: in `into` when it is
 * given and long enough (it must stay alive while the tensor is used), else in a fresh array.
 */
export function datasetTensor(dataset: Dataset, start: number, count: number, into?: Float32Array): Tensor {
  const inside = Number.isInteger(start) && Number.isInteger(count) && start >= 0 && count >= 0;
  if (!inside || start + count > dataset.count) {
    throw new RangeError(`datasetTensor: samples ${start}..${start + count} are outside the dataset of ${dataset.count}`);
  }
  const { rows, columns } = dataset;
  const pixels = dataset.images.subarray(start * rows * columns, (start + count) * rows * columns);
  const data = into !== undefined && into.length >= pixels.length ? into.subarray(0, pixels.length) : new Float32Array(pixels.length);
  kernels().bytesToUnit(pixels, data, pixels.length);
  return { shape: [count, 1, rows, columns], data };
}
