// The book's gradient_check: a whole SimpleConvNet on a 1x10x10 input, backprop vs central differences.

import { describe, expect, it } from 'vitest';
import { Network } from '../src/models/network.js';
import { simpleConvNet } from '../src/models/presets.js';
import { Random } from '../src/tensor/random.js';
import { randomArray, relativeError } from './helpers/compare.js';

describe('SimpleConvNet gradient check (float64)', () => {
  for (const [label, options] of [
    ['book setup: 1x10x10 input, 10 filters 3x3, hidden 10', { input: [1, 10, 10], filters: 10, filterSize: 3, hidden: 10, weightInit: 0.1 }],
    ['stride 2 and pad 2, init 0.1', { input: [2, 9, 9], filters: 4, filterSize: 3, stride: 2, pad: 2, hidden: 6, weightInit: 0.1 }],
  ] as const) {
    it(label, () => {
      const network = new Network(simpleConvNet({ ...options, input: [...options.input] }), { seed: 3, dtype: 'float64' });
      const random = new Random(4);
      const [C, H, W] = options.input;
      const x = { shape: [3, C, H, W], data: randomArray(3 * C * H * W, random) };
      const labels = [1, 7, 3];
      // Weights of 0.1 rather than the book's 0.01, and a step of 1e-6: with tiny weights or a larger
      // step, some max-pool windows hold values within a step of each other, and a difference taken
      // across such a kink is meaningless (measured: relative error 5e-3 at init 0.01 and h 1e-5,
      // 9e-4 at init 0.1 and h 1e-5 with stride 2 and pad 2, about 1e-8 here).
      const numerical = network.numericalGradient(x, labels, 1e-6);
      network.gradient(x, labels);
      for (const param of network.params()) {
        const error = relativeError(param.grad.data, numerical.get(param.name)!.data);
        expect(error, `${param.name} relative error`).toBeLessThan(1e-6);
      }
    });
  }

  it('a net of every layer kind: pad and stride, batchnorm, tanh, average pool, LRN, max pool, dropout, sigmoid', () => {
    const network = new Network({
      input: [2, 10, 10],
      layers: [
        { type: 'convolution', filters: 4, size: 3, pad: 1, weightInit: 'he' },
        { type: 'batchnorm' },
        { type: 'tanh' },
        { type: 'pooling', size: 2, mode: 'average' },
        { type: 'lrn', size: 3, k: 1, alpha: 0.5 },
        { type: 'convolution', filters: 3, size: 3, stride: 2, pad: 1, weightInit: 'xavier' },
        { type: 'relu' },
        { type: 'pooling', size: 2, stride: 1 },
        { type: 'affine', units: 6, weightInit: 0.5 },
        { type: 'batchnorm' },
        { type: 'sigmoid' },
        { type: 'dropout', rate: 0.4 },
        { type: 'affine', units: 4, weightInit: 0.5 },
      ],
    }, { seed: 6, dtype: 'float64' });
    const random = new Random(8);
    const x = { shape: [4, 2, 10, 10], data: randomArray(4 * 2 * 10 * 10, random) };
    const labels = [0, 3, 2, 1];
    // The same noise before both, so dropout keeps one mask through every evaluation.
    network.reseedNoise(1, 1, 0);
    const numerical = network.numericalGradient(x, labels, 1e-6);
    network.reseedNoise(1, 1, 0);
    network.gradient(x, labels);
    expect(network.params().length).toBe(12);
    for (const param of network.params()) {
      if (param.name === 'conv1.b' || param.name === 'affine1.b') {
        // Batch normalization subtracts each channel's mean, so a bias before it has no effect at all:
        // both gradients are zero up to rounding, and their relative error says nothing.
        expect(Math.max(...Array.from(param.grad.data, Math.abs), ...Array.from(numerical.get(param.name)!.data, Math.abs))).toBeLessThan(1e-8);
        continue;
      }
      const error = relativeError(param.grad.data, numerical.get(param.name)!.data);
      expect(error, `${param.name} relative error`).toBeLessThan(1e-6);
    }
  });

  it('has the parameter names and shapes of the book', () => {
    const network = new Network(simpleConvNet(), { dtype: 'float32' });
    expect(network.params().map((p) => `${p.name}:${p.value.shape.join('x')}`)).toEqual([
      'conv1.W:30x1x5x5', 'conv1.b:30', 'affine1.W:4320x100', 'affine1.b:100', 'affine2.W:100x10', 'affine2.b:10',
    ]);
    const weights = network.params()[0].value.data;
    const std = Math.sqrt(Array.from(weights).reduce((s: number, w: number) => s + w * w, 0) / weights.length);
    expect(std).toBeGreaterThan(0.008);
    expect(std).toBeLessThan(0.012);
    expect(Array.from(network.params()[1].value.data).every((b) => b === 0)).toBe(true);
  });
});
