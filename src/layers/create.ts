// From a spec to a layer object: the one place that maps `type` names to classes.

import { Affine } from './affine.js';
import { Relu, Sigmoid, Tanh } from './activations.js';
import { Convolution } from './convolution.js';
import { Dropout } from './dropout.js';
import type { Layer, LayerContext, LayerSpec } from './layer.js';
import { BatchNormalization, LocalResponseNormalization } from './normalization.js';
import { Pooling } from './pooling.js';

export const layerTypes = ['convolution', 'pooling', 'affine', 'relu', 'sigmoid', 'tanh', 'lrn', 'dropout', 'batchnorm'] as const;

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
    case 'tanh':
      return new Tanh(context);
    case 'lrn':
      return new LocalResponseNormalization(spec, context);
    case 'dropout':
      return new Dropout(spec, context);
    case 'batchnorm':
      return new BatchNormalization(spec, context);
    default:
      throw new RangeError(`${context.name}: unknown layer type ${JSON.stringify((spec as { type: unknown }).type)}`);
  }
}

const prefixes: Record<LayerSpec['type'], string> = {
  convolution: 'conv', pooling: 'pool', affine: 'affine', relu: 'relu', sigmoid: 'sigmoid', tanh: 'tanh', lrn: 'lrn',
  dropout: 'dropout', batchnorm: 'batchnorm',
};

/** Short layer names in order of appearance: conv1, pool1, affine1, relu1, ... */
export function layerName(spec: LayerSpec, counts: Map<string, number>): string {
  const prefix = prefixes[spec.type] ?? 'layer';
  const count = (counts.get(prefix) ?? 0) + 1;
  counts.set(prefix, count);
  return `${prefix}${count}`;
}
