// The fused head (conv -> ReLU -> max-pool as two kernels) against the five passes of the layers it
// stands for: the same scores bit for bit, gradients within float32 rounding, and only where it applies.

import { describe, expect, it } from 'vitest';
import { firstMismatch } from '../../test/helpers/compare.js';
import { useKernels, kernels, typescriptKernels } from '../kernels/backend.js';
import { Random } from '../tensor/random.js';
import { Network, type ModelSpec } from './network.js';
import { PooledHead } from './pooled-head.js';
import { presets, simpleConvNet } from './presets.js';

function batch(N: number, seed: number): { x: { shape: number[]; data: Float32Array }; labels: Uint8Array } {
  const random = new Random(seed);
  const data = kernels().allocate(N * 784, 'float32') as Float32Array;
  for (let i = 0; i < data.length; i++) data[i] = random.uniform() < 0.3 ? random.uniform() : 0;
  return { x: { shape: [N, 1, 28, 28], data }, labels: Uint8Array.from({ length: N }, (_, n) => n % 10) };
}

function compare(model: ModelSpec, N: number): void {
  const fused = new Network(model, { seed: 3 });
  const layered = new Network(model, { seed: 3, fuse: false });
  const { x, labels } = batch(N, 4);
  expect(firstMismatch(fused.predict(x).data, layered.predict(x).data, 0, 0), 'scores').toBeUndefined();
  expect(fused.gradient(x, labels)).toBe(layered.gradient(x, labels));
  const expected = layered.params();
  fused.params().forEach((param, index) => {
    // The fused weight gradient sums the same products in another order (only the nonzero ones).
    expect(firstMismatch(param.grad.data, expected[index].grad.data, 1e-6, 1e-4), param.name).toBeUndefined();
  });
}

describe('the fused conv -> ReLU -> max-pool head', () => {
  it('applies to the SimpleConvNet on the WebAssembly kernels', () => {
    const head = PooledHead.of(new Network(simpleConvNet()).layers);
    expect(head?.applies(100)).toBe(true);
  });

  it('SimpleConvNet, batch 100: the same scores and loss as the layers, gradients within rounding', () => {
    compare(simpleConvNet(), 100);
  });

  it('a 4x4 convolution with overlapping 3x3/2 pooling and a partial batch of 7', () => {
    compare({
      input: [1, 28, 28],
      layers: [
        { type: 'convolution', filters: 4, size: 4 }, { type: 'relu' }, { type: 'pooling', size: 3, stride: 2 },
        { type: 'affine', units: 10 },
      ],
    }, 7);
  });

  it('stays out of networks it does not fit: padded pooling, average pooling, no ReLU, a padded convolution', () => {
    const head = (layers: ModelSpec['layers']) => PooledHead.of(new Network({ input: [1, 28, 28], layers: [...layers, { type: 'affine', units: 10 }] }).layers);
    const convolution = { type: 'convolution', filters: 2, size: 5 } as const;
    expect(head([convolution, { type: 'relu' }, { type: 'pooling', size: 2, pad: 1 }])).toBeUndefined();
    expect(head([convolution, { type: 'relu' }, { type: 'pooling', size: 2, mode: 'average' }])).toBeUndefined();
    expect(head([convolution, { type: 'sigmoid' }, { type: 'pooling', size: 2 }])).toBeUndefined();
    const padded = head([{ ...convolution, pad: 2 }, { type: 'relu' }, { type: 'pooling', size: 2 }]);
    expect(padded?.applies(1)).toBe(false);
    for (const name of ['lenet', 'alexnet', 'deep'] as const) {
      expect(PooledHead.of(new Network(presets[name].model()).layers)?.applies(1) ?? false, name).toBe(false);
    }
  });

  it('is not used on the TypeScript kernels, which convolve through im2col', () => {
    const previous = kernels();
    useKernels(typescriptKernels);
    try {
      expect(PooledHead.of(new Network(simpleConvNet()).layers)?.applies(100)).toBe(false);
    } finally {
      useKernels(previous);
    }
  });
});
