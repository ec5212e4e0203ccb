// Networks as data. A preset is a ModelSpec, not a class: the snapshot stores the same form.

import type { LayerSpec, WeightInit } from '../layers/layer.js';
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

/**
 * LeNet-5 (LeCun et al. 1998) for 28x28 input: the first convolution pads by 2 to give the 32x32
 * field the original saw. Sigmoid activations and average-pooling subsampling, as in the chapter.
 */
export function leNet(): ModelSpec {
  const weightInit: WeightInit = 'xavier';
  return {
    input: [1, 28, 28],
    layers: [
      { type: 'convolution', filters: 6, size: 5, pad: 2, weightInit },
      { type: 'sigmoid' },
      { type: 'pooling', size: 2, stride: 2, mode: 'average' },
      { type: 'convolution', filters: 16, size: 5, weightInit },
      { type: 'sigmoid' },
      { type: 'pooling', size: 2, stride: 2, mode: 'average' },
      { type: 'affine', units: 120, weightInit },
      { type: 'sigmoid' },
      { type: 'affine', units: 84, weightInit },
      { type: 'sigmoid' },
      { type: 'affine', units: 10, weightInit },
    ],
  };
}

/**
 * AlexNet's pattern (Krizhevsky et al. 2012) scaled to 28x28: two conv-ReLU-LRN-maxpool blocks with
 * larger first filters, three stacked 3x3 convolutions, AlexNet's overlapping 3x3 stride-2 pooling,
 * and two dropout-regularised affine layers. Channels are cut to fit MNIST and a 2-core CPU.
 */
export function alexNet(): ModelSpec {
  const weightInit: WeightInit = 'he';
  return {
    input: [1, 28, 28],
    layers: [
      { type: 'convolution', filters: 16, size: 5, pad: 2, weightInit },
      { type: 'relu' },
      { type: 'lrn' },
      { type: 'pooling', size: 2, stride: 2 },
      { type: 'convolution', filters: 32, size: 5, pad: 2, weightInit },
      { type: 'relu' },
      { type: 'lrn' },
      { type: 'pooling', size: 2, stride: 2 },
      { type: 'convolution', filters: 48, size: 3, pad: 1, weightInit },
      { type: 'relu' },
      { type: 'convolution', filters: 48, size: 3, pad: 1, weightInit },
      { type: 'relu' },
      { type: 'convolution', filters: 32, size: 3, pad: 1, weightInit },
      { type: 'relu' },
      { type: 'pooling', size: 3, stride: 2 },
      { type: 'affine', units: 256, weightInit },
      { type: 'relu' },
      { type: 'dropout', rate: 0.5 },
      { type: 'affine', units: 256, weightInit },
      { type: 'relu' },
      { type: 'dropout', rate: 0.5 },
      { type: 'affine', units: 10, weightInit },
    ],
  };
}

/**
 * The book's DeepConvNet (ch. 8): six 3x3 convolutions of 16, 16, 32, 32, 64, 64 filters with ReLU,
 * a 2x2 max-pool after every second, affine 50, dropout, affine 10, He initialisation. The fourth
 * convolution pads by 2, as the book's does, so the last pool leaves 64x4x4. The book also drops out
 * the final scores; this keeps them whole, as the layer list does.
 */
export function deepConvNet(): ModelSpec {
  const weightInit: WeightInit = 'he';
  const convolution = (filters: number, pad = 1): LayerSpec => ({ type: 'convolution' as const, filters, size: 3, pad, weightInit });
  return {
    input: [1, 28, 28],
    layers: [
      convolution(16), { type: 'relu' }, convolution(16), { type: 'relu' }, { type: 'pooling', size: 2, stride: 2 },
      convolution(32), { type: 'relu' }, convolution(32, 2), { type: 'relu' }, { type: 'pooling', size: 2, stride: 2 },
      convolution(64), { type: 'relu' }, convolution(64), { type: 'relu' }, { type: 'pooling', size: 2, stride: 2 },
      { type: 'affine', units: 50, weightInit },
      { type: 'relu' },
      { type: 'dropout', rate: 0.5 },
      { type: 'affine', units: 10, weightInit },
    ],
  };
}

/** The model with every convolution's and affine layer's initialisation replaced, for `--weight-init`. */
export function withWeightInit(model: ModelSpec, weightInit: WeightInit): ModelSpec {
  return {
    input: [...model.input],
    layers: model.layers.map((layer) => (layer.type === 'convolution' || layer.type === 'affine' ? { ...layer, weightInit } : layer)),
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
  lenet: {
    name: 'lenet',
    fileName: 'lenet.json',
    description: 'LeNet-5: conv 6x5x5 pad 2 - sigmoid - avg-pool 2x2 - conv 16x5x5 - sigmoid - avg-pool - affine 120 - affine 84 - affine 10',
    model: leNet,
  },
  alexnet: {
    name: 'alexnet',
    fileName: 'alexnet.json',
    description: 'AlexNet-style: two conv-relu-LRN-maxpool blocks, three 3x3 convs, overlapping max-pool, affine 256 x2 with dropout',
    model: alexNet,
  },
  deep: {
    name: 'deep',
    fileName: 'deep-convnet.json',
    description: "the book's DeepConvNet: six 3x3 convs (16,16,32,32,64,64) with relu and three max-pools, affine 50, dropout, affine 10",
    model: deepConvNet,
  },
};
