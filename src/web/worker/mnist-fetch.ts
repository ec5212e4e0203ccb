// MNIST for the training worker: the four IDX files fetched from the server (gunzipped by the
// browser's DecompressionStream when they are .gz) and parsed by the CLI's own IDX parser, with the
// checks `cnn train` makes on them.

import type { Dataset } from '../../data/mnist.js';
import { parseImages, parseLabels } from '../../data/idx.js';
import { CnnError } from '../../errors.js';

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok || response.body === null) throw new CnnError(`${url}: the server answered ${response.status}`);
  const body = url.endsWith('.gz') ? response.body.pipeThrough(new DecompressionStream('gzip')) : response.body;
  return new Uint8Array(await new Response(body).arrayBuffer());
}

export async function fetchSplit(urls: Record<string, string>, prefix: 'train' | 't10k'): Promise<Dataset> {
  const imagesName = `${prefix}-images-idx3-ubyte`;
  const labelsName = `${prefix}-labels-idx1-ubyte`;
  const [imageBytes, labelBytes] = await Promise.all([fetchBytes(urls[imagesName]), fetchBytes(urls[labelsName])]);
  const { count, rows, columns, pixels } = parseImages(imageBytes, imagesName);
  const labels = parseLabels(labelBytes, labelsName);
  if (rows !== 28 || columns !== 28) throw new CnnError(`${imagesName}: images are ${rows}x${columns}, the model expects 28x28`);
  if (labels.length !== count) throw new CnnError(`${prefix}: ${count} images but ${labels.length} labels`);
  const bad = labels.findIndex((label) => label >= 10);
  if (bad >= 0) throw new CnnError(`${labelsName}: label ${labels[bad]} at index ${bad} is not a digit 0-9`);
  return { count, rows, columns, images: pixels, labels };
}
