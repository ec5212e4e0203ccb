// cnn import of real PyTorch exports (test/fixtures/onnx/, made by scripts/make-onnx-fixtures.py with
// torch.onnx.export): our forward pass on the imported weights must give the outputs PyTorch computed.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importOnnx } from '../src/io/onnx/import.js';
import type { Network } from '../src/models/network.js';
import { repositoryRoot } from './helpers/cli.js';
import { firstDisagreement, ourScores, testImages } from './helpers/onnx.js';

const fixtures = join(repositoryRoot, 'test', 'fixtures', 'onnx');
const expected = JSON.parse(readFileSync(join(fixtures, 'pytorch-outputs.json'), 'utf8')) as {
  images: number;
  models: Record<string, { opset: number; testAccuracy: number; outputs: number[][] }>;
};

/** log(softmax(scores)) per image, in float64 as the shift by the maximum keeps it exact enough. */
function logSoftmax(scores: Float32Array, classes: number): Float32Array {
  const out = new Float32Array(scores.length);
  for (let n = 0; n < scores.length / classes; n++) {
    const row = scores.subarray(n * classes, (n + 1) * classes);
    const top = Math.max(...row);
    const logSum = Math.log(row.reduce((sum, value) => sum + Math.exp(value - top), 0));
    row.forEach((value, k) => (out[n * classes + k] = value - top - logSum));
  }
  return out;
}

function load(name: string): { network: Network; ending?: string; opset: number } {
  return importOnnx(readFileSync(join(fixtures, `${name}.onnx`)), `${name}.onnx`);
}

describe('cnn import of a PyTorch export', () => {
  it.each(Object.keys(expected.models))('%s reproduces the outputs PyTorch computed', async (name) => {
    const { network, ending, opset } = load(name);
    expect(opset).toBe(expected.models[name].opset);
    const { images } = await testImages(expected.images);
    const scores = ourScores(network, images);
    const outputs = ending === 'LogSoftmax' ? logSoftmax(scores, 10) : scores;
    expect(firstDisagreement(Float32Array.from(expected.models[name].outputs.flat()), outputs, 10)).toBeUndefined();
  });

  it.each(Object.keys(expected.models))('%s has the test accuracy PyTorch measured', async (name) => {
    const { network } = load(name);
    const { images, labels } = await testImages(10000);
    expect(network.countCorrect(images, labels) / 10000).toBe(expected.models[name].testAccuracy);
  });

  it('reads the pieces PyTorch writes: Pad before AveragePool, Reshape, BatchNormalization, LogSoftmax', () => {
    const { network, ending } = load('lenet-pytorch');
    expect(ending).toBe('LogSoftmax');
    expect(network.model.layers.map((layer) => layer.type)).toEqual([
      'convolution', 'tanh', 'pooling', 'convolution', 'relu', 'pooling', 'affine', 'batchnorm', 'relu', 'affine', 'relu', 'affine',
    ]);
    expect(network.model.layers[2]).toEqual({ type: 'pooling', size: 2, stride: 2, pad: 0, mode: 'average' });
  });
});
