// From a spec to a layer object: the one place that maps `type` names to classes.

import { Affine } from './affine.js';
import { Relu, Sigmoid } from './activations.js';
import { Convolution } from './convolution.js';
import type { Layer, LayerContext, LayerSpec } from './layer.js';
import { Pooling } from './pooling.js';

export const layerTypes = ['convolution', 'pooling', 'affine', 'relu', 'sigmoid'] as const;

export function createLayer(spec: LayerSpec, context: LayerContext): Layer {
  switch (spec.type) {
    case 'convolution':
      return new Convolution(spec, context);
    case 'pooling':
      return new Pooling(spec, context);
    case 'affine':
      return new Affine(spec, context);
    case 'relu':
      return new Relu(context);
    case 'sigmoid':
      return new Sigmoid(context);
    default:
      throw new RangeError(`${context.name}: unknown layer type ${JSON.stringify((spec as { type: unknown }).type)}`);
  }
}

/** Short layer names in order of appearance: conv1, pool1, affine1, relu1, ... */
export function layerName(spec: LayerSpec, counts: Map<string, number>): string {
  const prefix = { convolution: 'conv', pooling: 'pool', affine: 'affine', relu: 'relu', sigmoid: 'sigmoid' }[spec.type] ?? 'layer';
  const count = (counts.get(prefix) ?? 0) + 1;
  counts.set(prefix, count);
  return `${prefix}${count}`;
}
