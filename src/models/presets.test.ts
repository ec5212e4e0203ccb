import { describe, expect, it } from 'vitest';
import { parseModelFile } from './model-file.js';
import { Network } from './network.js';
import { presets } from './presets.js';
import { countParameters, validateModelSpec } from './validate.js';

function shapeBeforeFirstAffine(network: Network): readonly number[] {
  const index = network.layers.findIndex((layer) => layer.name === 'affine1');
  return network.layers[index].inputShape;
}

describe('presets', () => {
  it.each(Object.keys(presets))('%s validates, builds for 28x28 and counts its parameters', (name) => {
    const model = presets[name].model();
    expect(validateModelSpec(JSON.parse(JSON.stringify(model)), name)).toEqual(model);
    const network = new Network(model, { initialize: false });
    expect(network.classes).toBe(10);
    const held = network.params().reduce((sum, param) => sum + param.value.data.length, 0);
    expect(countParameters(model)).toBe(held);
  });

  it('the shapes the README documents', () => {
    const shapes = Object.fromEntries(
      Object.keys(presets).map((name) => [name, shapeBeforeFirstAffine(new Network(presets[name].model(), { initialize: false }))]),
    );
    expect(shapes).toEqual({ simple: [30, 12, 12], lenet: [16, 5, 5], alexnet: [32, 3, 3], deep: [64, 4, 4] });
    const count = (name: string) => countParameters(presets[name].model());
    // LeNet-5 on a padded 28x28: 156 + 2416 + 48120 + 10164 + 850.
    expect(count('lenet')).toBe(61706);
    // DeepConvNet: 160 + 2320 + 4640 + 9248 + 18496 + 36928 + 51250 + 510.
    expect(count('deep')).toBe(123552);
  });

  it('deep is the book\'s layer sequence', () => {
    const types = presets.deep.model().layers.map((layer) => layer.type === 'convolution' ? `conv${layer.filters}` : layer.type);
    expect(types.join(' ')).toBe(
      'conv16 relu conv16 relu pooling conv32 relu conv32 relu pooling conv64 relu conv64 relu pooling affine relu dropout affine',
    );
  });
});

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
