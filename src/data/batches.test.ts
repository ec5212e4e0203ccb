import { describe, it, expect } from 'vitest';
import { Random } from '../tensor/random.js';
import { addressOf } from '../kernels/wasm/arena.js';
import { wasmAvailable } from '../kernels/wasm/wasm-kernels.js';
import { batchesPerEpoch, datasetTensor, epochBatches, fillBatch } from './batches.js';
import type { Dataset } from './mnist.js';

/** count images of 2x3 pixels; image n holds bytes 10n..10n+5 and label n % 10, so a batch shows its samples. */
function fakeDataset(count: number): Dataset {
  const rows = 2;
  const columns = 3;
  const images = new Uint8Array(count * rows * columns);
  for (let index = 0; index < images.length; index++) images[index] = (Math.floor(index / 6) * 10 + (index % 6)) % 256;
  const labels = Uint8Array.from({ length: count }, (_, n) => n % 10);
  return { count, rows, columns, images, labels };
}

/** The sample index behind each image of a batch, read back from its first pixel. */
function samplesOf(x: Float32Array, size: number): number[] {
  const samples: number[] = [];
  for (let offset = 0; offset < x.length; offset += size) samples.push(Math.round(x[offset] * 255) / 10);
  return samples;
}

function epochSamples(dataset: Dataset, batchSize: number, seed: number): number[][] {
  // Array.from maps each batch as it arrives, before the next one reuses the buffers.
  return Array.from(epochBatches(dataset, batchSize, new Random(seed)), (batch) => samplesOf(batch.x.data as Float32Array, 6));
}

describe('fillBatch', () => {
  it('scales bytes to [0,1] in (N,1,rows,columns) order and copies the labels', () => {
    const dataset = fakeDataset(5);
    dataset.images[6 * 3 + 5] = 255;
    const x = new Float32Array(12).fill(-1);
    const labels = new Uint8Array(2);
    fillBatch(dataset, [4, 3, 2], 1, 2, x, labels);
    expect(Array.from(x.subarray(0, 6))).toEqual([30, 31, 32, 33, 34, 255].map((byte) => Math.fround(byte / 255)));
    expect(x[6]).toBe(Math.fround(20 / 255));
    expect(Array.from(labels)).toEqual([3, 2]);
  });

  it('refuses a batch that does not fit its buffers', () => {
    const dataset = fakeDataset(5);
    expect(() => fillBatch(dataset, [0, 1], 0, 2, new Float32Array(11), new Uint8Array(2))).toThrow(RangeError);
    expect(() => fillBatch(dataset, [0, 1], 1, 2, new Float32Array(12), new Uint8Array(2))).toThrow(RangeError);
    expect(() => fillBatch(dataset, [0, 7], 0, 2, new Float32Array(12), new Uint8Array(2))).toThrow(RangeError);
  });
});

describe('epochBatches', () => {
  it('yields [n,1,rows,columns] batches, the last one partial', () => {
    const dataset = fakeDataset(10);
    const shapes: number[][] = [];
    const indices: number[] = [];
    for (const batch of epochBatches(dataset, 4, new Random(1))) {
      shapes.push([...batch.x.shape]);
      indices.push(batch.index);
      expect(batch.x.data).toBeInstanceOf(Float32Array);
      // In the kernels' memory, so the first layer reads it without a copy.
      if (wasmAvailable()) expect(addressOf(batch.x.data as Float32Array)).toBeGreaterThanOrEqual(0);
      expect(batch.labels.length).toBe(batch.x.shape[0]);
    }
    expect(shapes).toEqual([[4, 1, 2, 3], [4, 1, 2, 3], [2, 1, 2, 3]]);
    expect(indices).toEqual([0, 1, 2]);
    expect(batchesPerEpoch(10, 4)).toBe(3);
  });

  it('visits every sample exactly once per epoch, with labels matching their images', () => {
    const dataset = fakeDataset(23);
    const seen: number[] = [];
    for (const batch of epochBatches(dataset, 5, new Random(7))) {
      const samples = samplesOf(batch.x.data as Float32Array, 6);
      expect(Array.from(batch.labels)).toEqual(samples.map((sample) => sample % 10));
      seen.push(...samples);
    }
    expect(seen.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: 23 }, (_, n) => n));
    expect(seen).not.toEqual(Array.from({ length: 23 }, (_, n) => n));
  });

  it('is reproducible from the seed and differs between seeds and between epochs', () => {
    const dataset = fakeDataset(20);
    expect(epochSamples(dataset, 6, 42)).toEqual(epochSamples(dataset, 6, 42));
    expect(epochSamples(dataset, 6, 42)).not.toEqual(epochSamples(dataset, 6, 43));

    const random = new Random(42);
    const first = samplesOf(epochBatches(dataset, 20, random).next().value!.x.data as Float32Array, 6);
    const second = samplesOf(epochBatches(dataset, 20, random).next().value!.x.data as Float32Array, 6);
    expect(first).not.toEqual(second);
  });

  it('draws the permutation when called, not when the first batch is read', () => {
    const random = new Random(5);
    epochBatches(fakeDataset(8), 3, random);
    expect(random.state()).not.toEqual(new Random(5).state());
  });

  it('rejects a batch size that is not a positive integer', () => {
    expect(() => epochBatches(fakeDataset(4), 0, new Random(1))).toThrow(RangeError);
    expect(() => epochBatches(fakeDataset(4), 2.5, new Random(1))).toThrow(RangeError);
  });
});

describe('datasetTensor', () => {
  it('returns a contiguous range as one fresh scaled tensor', () => {
    const dataset = fakeDataset(6);
    const x = datasetTensor(dataset, 2, 3);
    expect(x.shape).toEqual([3, 1, 2, 3]);
    expect(x.data).toBeInstanceOf(Float32Array);
    expect(samplesOf(x.data as Float32Array, 6)).toEqual([2, 3, 4]);
    expect(x.data[1]).toBe(Math.fround(21 / 255));
    expect(() => datasetTensor(dataset, 4, 3)).toThrow(RangeError);
  });
});
