// The protocol every layer speaks, and the plain-data specs that describe a network. Parameters travel
// with their gradients as pairs, so an optimizer is a plain loop over a flat list.

import type { DType, Tensor } from '../tensor/tensor.js';
import type { Random } from '../tensor/random.js';

export interface Param {
  readonly name: string;
  readonly value: Tensor;
  readonly grad: Tensor;
}

/**
 * A number is the standard deviation of N(0,1)*std; 'he' is sqrt(2/fanIn), 'xavier' sqrt(1/fanIn).
 * 'relu' and 'sigmoid' are the book's other names for them (weight_init_std in its MultiLayerNet).
 */
export type WeightInit = number | 'he' | 'xavier' | 'relu' | 'sigmoid';

export const weightInitNames = ['he', 'xavier', 'relu', 'sigmoid'] as const;

export interface ConvolutionSpec {
  type: 'convolution';
  filters: number;
  size: number;
  stride?: number;
  pad?: number;
  weightInit?: WeightInit;
}

export interface PoolingSpec {
  type: 'pooling';
  size: number;
  stride?: number;
  pad?: number;
  /** 'max' (the default) or 'average', LeNet's subsampling; padding counts as zeros in the average. */
  mode?: 'max' | 'average';
}

export interface AffineSpec {
  type: 'affine';
  units: number;
  weightInit?: WeightInit;
}

export interface ReluSpec {
  type: 'relu';
}

export interface SigmoidSpec {
  type: 'sigmoid';
}

export interface TanhSpec {
  type: 'tanh';
}

/**
 * Local response normalization across channels, AlexNet's formula (Krizhevsky et al. 2012, 3.3):
 * b[c] = a[c] / (k + alpha * sum of a[c']^2 over the `size` channels centred on c)^beta.
 * The sum is not divided by size (PyTorch's LocalResponseNorm divides alpha by it).
 */
export interface LrnSpec {
  type: 'lrn';
  /** n, the number of neighbouring channels summed, odd; default 5. */
  size?: number;
  /** Default 2. */
  k?: number;
  /** Default 1e-4. */
  alpha?: number;
  /** Default 0.75. */
  beta?: number;
}

/** Inverted dropout: in training each value is zeroed with probability `rate` and the rest scaled by 1/(1-rate). */
export interface DropoutSpec {
  type: 'dropout';
  /** Probability of dropping a value, in [0,1); default 0.5. */
  rate?: number;
}

/**
 * Batch normalization: per channel for [C,H,W] inputs (statistics over N, H and W, as PyTorch's
 * BatchNorm2d), per feature for [D]. Training normalises with the batch's statistics and updates
 * running ones; evaluation uses the running ones.
 */
export interface BatchNormSpec {
  type: 'batchnorm';
  /** Running statistics keep this share of their old value at each step; default 0.9 (the book's). */
  momentum?: number;
  /** Added to the variance before the square root; default 1e-5. */
  epsilon?: number;
}

export type LayerSpec =
  | ConvolutionSpec
  | PoolingSpec
  | AffineSpec
  | ReluSpec
  | SigmoidSpec
  | TanhSpec
  | LrnSpec
  | DropoutSpec
  | BatchNormSpec;

/** A tensor saved with the weights that no optimizer touches: batch normalization's running statistics. */
export interface StateTensor {
  readonly name: string;
  readonly value: Tensor;
}

export interface Layer {
  /** Unique within a network, e.g. "conv1"; parameter names are "<name>.W" and "<name>.b". */
  readonly name: string;
  /** Shape of one sample in and out, batch dimension left out: [C,H,W] or [D]. */
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  /**
   * When false, backward fills parameter gradients only and returns undefined: the first layer of a
   * network has nobody to pass dx to, and for conv1 that col2im is a large share of the step.
   */
  inputGradient: boolean;
  /**
   * Caches what backward needs. `train` matters for layers that behave differently when learning.
   * The returned tensor is the layer's own buffer, valid until its next forward: no step allocates.
   */
  forward(x: Tensor, train: boolean): Tensor;
  /** Returns dx (valid until the next backward) and fills this layer's gradients; never mutates dout. */
  backward(dout: Tensor): Tensor | undefined;
  params(): Param[];
  /** Tensors that are not learned by gradient but must be saved and loaded with the weights. */
  state?(): StateTensor[];
  spec(): LayerSpec;
}

export interface LayerContext {
  name: string;
  inputShape: readonly number[];
  dtype: DType;
  /** Draws the initial weights; null leaves them zero, for a network whose weights are about to be loaded. */
  random: Random | null;
  /**
   * Draws training-time noise (dropout masks). The network owns it and reseeds it before every step
   * from the seed, epoch and batch, so a resumed run draws the same masks without saving any state.
   */
  noise?: Random;
}

export function describeSpec(spec: LayerSpec): string {
  switch (spec.type) {
    case 'convolution':
      return `convolution ${spec.filters}x${spec.size}x${spec.size} stride ${spec.stride ?? 1} pad ${spec.pad ?? 0}`;
    case 'pooling':
      return `${spec.mode ?? 'max'} pooling ${spec.size}x${spec.size} stride ${spec.stride ?? spec.size} pad ${spec.pad ?? 0}`;
    case 'affine':
      return `affine ${spec.units}`;
    case 'lrn':
      return `lrn size ${spec.size ?? 5} k ${spec.k ?? 2} alpha ${spec.alpha ?? 1e-4} beta ${spec.beta ?? 0.75}`;
    case 'dropout':
      return `dropout ${spec.rate ?? 0.5}`;
    case 'batchnorm':
      return 'batch normalization';
    default:
      return spec.type;
  }
}
