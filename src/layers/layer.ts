// The protocol every layer speaks, and the plain-data specs that describe a network. Parameters travel
// with their gradients as pairs, so an optimizer is a plain loop over a flat list.

import type { DType, Tensor } from '../tensor/tensor.js';
import type { Random } from '../tensor/random.js';

export interface Param {
  readonly name: string;
  readonly value: Tensor;
  readonly grad: Tensor;
}

/** A number is the standard deviation of N(0,1)*std; 'he' is sqrt(2/fanIn), 'xavier' sqrt(1/fanIn). */
export type WeightInit = number | 'he' | 'xavier';

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

export type LayerSpec = ConvolutionSpec | PoolingSpec | AffineSpec | ReluSpec | SigmoidSpec;

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
  spec(): LayerSpec;
}

export interface LayerContext {
  name: string;
  inputShape: readonly number[];
  dtype: DType;
  /** Draws the initial weights; null leaves them zero, for a network whose weights are about to be loaded. */
  random: Random | null;
}

export function describeSpec(spec: LayerSpec): string {
  switch (spec.type) {
    case 'convolution':
      return `convolution ${spec.filters}x${spec.size}x${spec.size} stride ${spec.stride ?? 1} pad ${spec.pad ?? 0}`;
    case 'pooling':
      return `max pooling ${spec.size}x${spec.size} stride ${spec.stride ?? spec.size} pad ${spec.pad ?? 0}`;
    case 'affine':
      return `affine ${spec.units}`;
    default:
      return spec.type;
  }
}
