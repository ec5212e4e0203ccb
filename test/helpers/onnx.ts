// Shared by the ONNX tests: MNIST test images as one tensor, scores from our network and from ONNX
// Runtime in batches, a network with every layer kind, and the tolerance the two are held to.

import * as ort from 'onnxruntime-node';
import { datasetTensor } from '../../src/data/batches.js';
import { defaultMnistDirectory, loadDataset, type Dataset } from '../../src/data/mnist.js';
import type { ModelSpec, Network } from '../../src/models/network.js';
import { Random } from '../../src/tensor/random.js';
import type { Tensor } from '../../src/tensor/tensor.js';

let testSet: Promise<Dataset> | undefined;

export function mnistTest(): Promise<Dataset> {
  testSet ??= loadDataset(defaultMnistDirectory(), 'test');
  return testSet;
}

export async function testImages(count: number): Promise<{ images: Tensor; labels: Uint8Array }> {
  const dataset = await mnistTest();
  return { images: datasetTensor(dataset, 0, count), labels: dataset.labels.subarray(0, count) };
}

const BATCH = 100;

function batches(images: Tensor): Tensor[] {
  const [N, ...sample] = images.shape;
  const size = sample.reduce((product, dimension) => product * dimension, 1);
  const result: Tensor[] = [];
  for (let start = 0; start < N; start += BATCH) {
    const count = Math.min(BATCH, N - start);
    result.push({ shape: [count, ...sample], data: images.data.subarray(start * size, (start + count) * size) });
  }
  return result;
}

/** Our class scores (N,K), a batch at a time as `cnn eval` runs them. */
export function ourScores(network: Network, images: Tensor): Float32Array {
  return Float32Array.from(batches(images).flatMap((batch) => Array.from(network.predict(batch).data)));
}

/** ONNX Runtime's output for the model, one thread so that the lead's benchmarks keep their core. */
export async function runtimeScores(model: Uint8Array, images: Tensor, input = 'image'): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const outputs: number[] = [];
  for (const batch of batches(images)) {
    const result = await session.run({ [input]: new ort.Tensor('float32', Float32Array.from(batch.data), batch.shape) });
    outputs.push(...(result[session.outputNames[0]].data as Float32Array));
  }
  await session.release();
  return Float32Array.from(outputs);
}

/**
 * Both sides compute in float32 and differ only in the order of their sums (our blocked SIMD products
 * against ONNX Runtime's MLAS kernels, FMA or not) and in how exp, tanh and the LRN power are rounded.
 * Each rounding is relative, 2^-24 of a partial sum, so an image's scores are compared relative to
 * its largest one: measured at most 1.3e-6 of it over every shipped snapshot and preset (longest sum:
 * 4,320 terms), so 1e-5 leaves an 8x margin, while a real mapping error (alpha not scaled by size,
 * padding counted wrongly, a transposed matrix) moves scores by 1e-3 of that and more.
 */
export const TOLERANCE = 1e-5;

/** The first image whose scores differ by more than the tolerance, or whose argmax differs. */
export function firstDisagreement(expected: Float32Array, actual: Float32Array, classes: number): string | undefined {
  if (expected.length !== actual.length) return `${actual.length} scores, expected ${expected.length}`;
  for (let n = 0; n < expected.length / classes; n++) {
    const row = (scores: Float32Array) => Array.from(scores.subarray(n * classes, (n + 1) * classes));
    const ours = row(expected);
    const theirs = row(actual);
    const scale = Math.max(1, ...ours.map(Math.abs));
    const worst = Math.max(...ours.map((value, k) => Math.abs(value - theirs[k])));
    if (!(worst <= TOLERANCE * scale)) return `image ${n}: scores differ by ${worst} (scale ${scale}): ${ours} vs ${theirs}`;
    if (argmaxOf(ours) !== argmaxOf(theirs)) return `image ${n}: predicted ${argmaxOf(ours)}, ONNX Runtime ${argmaxOf(theirs)}`;
  }
  return undefined;
}

export function argmaxOf(values: readonly number[]): number {
  return values.reduce((best, value, index) => (value > values[best] ? index : best), 0);
}

/** Every layer kind with the geometry that tells the mappings apart: strides, padded max and average pools. */
export const everyLayerModel: ModelSpec = {
  input: [1, 28, 28],
  layers: [
    { type: 'convolution', filters: 8, size: 3, stride: 1, pad: 1, weightInit: 'he' },
    { type: 'batchnorm', momentum: 0.8, epsilon: 1e-3 },
    { type: 'tanh' },
    { type: 'pooling', size: 2, stride: 2, pad: 1 },
    { type: 'lrn', size: 3, k: 1, alpha: 0.05, beta: 0.6 },
    { type: 'convolution', filters: 12, size: 3, stride: 2, weightInit: 'he' },
    { type: 'sigmoid' },
    { type: 'pooling', size: 3, stride: 2, pad: 1, mode: 'average' },
    { type: 'relu' },
    { type: 'affine', units: 32, weightInit: 'he' },
    { type: 'batchnorm' },
    { type: 'relu' },
    { type: 'dropout', rate: 0.3 },
    { type: 'affine', units: 10, weightInit: 'xavier' },
  ],
};

/** Batch normalization's running statistics, gamma and beta away from their identity start. */
export function disturbNormalization(network: Network, seed = 7): void {
  const random = new Random(seed);
  for (const tensor of network.tensors()) {
    const data = tensor.value.data;
    if (tensor.name.endsWith('.runningVariance') || tensor.name.endsWith('.gamma')) {
      for (let i = 0; i < data.length; i++) data[i] = 0.5 + random.uniform();
    } else if (tensor.name.endsWith('.runningMean') || tensor.name.endsWith('.beta')) {
      for (let i = 0; i < data.length; i++) data[i] = random.uniform() - 0.5;
    }
  }
}
