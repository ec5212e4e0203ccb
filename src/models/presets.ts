// Networks as data. A preset is a ModelSpec, not a class: the snapshot stores the same form.

import type { WeightInit } from '../layers/layer.js';
import type { ModelSpec } from './network.js';

export interface SimpleConvNetOptions {
  input?: [number, number, number];
  filters?: number;
  filterSize?: number;
  pad?: number;
  stride?: number;
  hidden?: number;
  classes?: number;
  weightInit?: WeightInit;
}

/** The book's SimpleConvNet: conv - relu - pool - affine - relu - affine (- softmax, outside). */
export function simpleConvNet(options: SimpleConvNetOptions = {}): ModelSpec {
  const {
    input = [1, 28, 28],
    filters = 30,
    filterSize = 5,
    pad = 0,
    stride = 1,
    hidden = 100,
    classes = 10,
    weightInit = 0.01,
  } = options;
  return {
    input: [...input],
    layers: [
      { type: 'convolution', filters, size: filterSize, stride, pad, weightInit },
      { type: 'relu' },
      { type: 'pooling', size: 2, stride: 2 },
      { type: 'affine', units: hidden, weightInit },
      { type: 'relu' },
      { type: 'affine', units: classes, weightInit },
    ],
  };
}

export interface Preset {
  name: string;
  /** File name the CLI saves it under, in params/. */
  fileName: string;
  description: string;
  model: () => ModelSpec;
}

export const presets: Record<string, Preset> = {
  simple: {
    name: 'simple',
    fileName: 'simple-convnet.json',
    description: 'SimpleConvNet: conv 30x5x5 - relu - max-pool 2x2 - affine 100 - relu - affine 10',
    model: () => simpleConvNet(),
  },
};
