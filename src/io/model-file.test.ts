import { describe, expect, it } from 'vitest';
import { parseModelFile } from './model-file.js';

describe('model files', () => {
  const layers = [{ type: 'convolution', filters: 4, size: 5 }, { type: 'relu' }, { type: 'pooling', size: 2 }, { type: 'affine', units: 10 }];

  it('a bare list of layers gets the MNIST input', () => {
    expect(parseModelFile(JSON.stringify(layers), 'net.json')).toEqual({ input: [1, 28, 28], layers });
  });

  it('an {input, layers} object and a snapshot document give their model', () => {
    const model = { input: [1, 28, 28], layers };
    expect(parseModelFile(JSON.stringify(model), 'net.json')).toEqual(model);
    expect(parseModelFile(JSON.stringify({ format: 'cnn-snapshot', version: 1, model, tensors: {} }), 'old.json')).toEqual(model);
  });

  it.each([
    ['broken JSON', '[{"type":', /^net.json: not valid JSON/],
    ['an unknown layer', JSON.stringify([{ type: 'maxout' }]), /^net.json: layer 0: unknown layer type "maxout"/],
    ['a geometry that does not fit', JSON.stringify([{ type: 'convolution', filters: 2, size: 5, stride: 2 }, { type: 'affine', units: 10 }]),
      /^net.json: layer 0: conv1 \(height\): output size \(28 \+ 2\*0 - 5\) \/ 2 \+ 1 = 12\.5 is not an integer/],
    ['a convolution after a flat layer', JSON.stringify([{ type: 'affine', units: 20 }, { type: 'convolution', filters: 2, size: 3 }]),
      /^net.json: layer 1: conv1: convolution needs a \[C,H,W\] input/],
    ['no class scores at the end', JSON.stringify([{ type: 'convolution', filters: 2, size: 3 }]), /the last layer must output class scores/],
    ['a number', '7', /model must be an object with input and layers, got 7/],
  ])('rejects %s with one line naming the layer', (_case, text, pattern) => {
    expect(() => parseModelFile(text, 'net.json')).toThrow(pattern);
  });
});
