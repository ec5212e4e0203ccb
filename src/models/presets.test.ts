import { describe, expect, it } from 'vitest';
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
