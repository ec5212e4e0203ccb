// The head convolution -> ReLU -> max pooling of a network such as the SimpleConvNet, run as two
// kernels instead of five passes. Forward: image by image, the convolution (as its layer runs it)
// and then ReLU and pooling in one pass over its maps while they are in the cache (the same values
// as the three layers; the maps of a batch are never kept), noting each window's winner as where its
// patch starts in the image, or -1 where ReLU stopped it. Backward: the convolution's weight gradient
// straight from the pooled gradient, where only each window's winner, and only where ReLU let it
// through, has a gradient at all: a quarter of the positions or fewer, where the three layers'
// backward passes would write the full gradient map and then multiply all its zeros.
// The three layers stay what they are (specs, weights, each one's own forward for `cnn activations`);
// this only changes how a network runs them. It applies when the convolution is the first layer
// (no input gradient) and the backend convolves it directly, and the pooling has no padding.

import { kernels } from '../kernels/backend.js';
import type { PoolGeometry } from '../kernels/elementwise.js';
import type { WindowGeometry } from '../kernels/im2col.js';
import { Relu } from '../layers/activations.js';
import { checkGradient, checkInput, noForward } from '../layers/check.js';
import { Convolution } from '../layers/convolution.js';
import type { Layer } from '../layers/layer.js';
import { Pooling } from '../layers/pooling.js';
import { Scratch } from '../layers/scratch.js';
import { dtypeOf, type Tensor } from '../tensor/tensor.js';

export class PooledHead {
  /** How many of the network's layers the head stands for. */
  readonly length = 3;
  private readonly scratch = new Scratch();
  private winners: Int32Array = new Int32Array(0);
  private input: Tensor | undefined;
  private out: Tensor | undefined;

  private constructor(
    private readonly convolution: Convolution,
    private readonly pooling: Pooling,
  ) {}

  /** The head of these layers, when they start with convolution, ReLU, max pooling without padding. */
  static of(layers: readonly Layer[]): PooledHead | undefined {
    const [convolution, relu, pooling] = layers;
    if (!(convolution instanceof Convolution && relu instanceof Relu && pooling instanceof Pooling)) return undefined;
    const spec = pooling.spec();
    if ((spec.mode ?? 'max') !== 'max' || (spec.pad ?? 0) !== 0) return undefined;
    return new PooledHead(convolution, pooling);
  }

  /** Whether the backend runs this head for a batch of N: the convolution must run directly. */
  applies(N: number): boolean {
    return !this.convolution.inputGradient && kernels().directConvolution?.supports(this.window(N)) === true;
  }

  forward(x: Tensor): Tensor {
    const N = checkInput(this.convolution.name, x, this.convolution.inputShape);
    const [C, OH, OW] = this.pooling.outputShape;
    const [weights, bias] = this.convolution.params();
    const out = this.scratch.get('out', N * C * OH * OW, dtypeOf(weights.value.data));
    this.winners = this.scratch.getIndices('winners', out.length);
    kernels().directConvolution!.forwardPooled(
      x.data, weights.value.data, bias.value.data, C, this.window(N), this.poolGeometry(N), out, this.winners,
    );
    this.input = x;
    this.out = { shape: [N, C, OH, OW], data: out };
    return this.out;
  }

  /** Fills the convolution's weight and bias gradients; the head has no input gradient to return. */
  backward(dout: Tensor): void {
    const out = this.out ?? noForward(this.pooling.name);
    const input = this.input as Tensor;
    checkGradient(this.pooling.name, dout, out.shape);
    const [weights, bias] = this.convolution.params();
    const F = this.convolution.outputShape[0];
    kernels().directConvolution!.pooledWeightGradient(
      input.data, dout.data, this.winners, this.poolGeometry(out.shape[0]), F, this.window(out.shape[0]), weights.grad.data, bias.grad.data,
    );
  }

  private window(N: number): WindowGeometry {
    const [C, H, W] = this.convolution.inputShape;
    const [, OH, OW] = this.convolution.outputShape;
    const { size, stride = 1, pad = 0 } = this.convolution.spec();
    return { N, C, H, W, KH: size, KW: size, stride, pad, OH, OW };
  }

  private poolGeometry(N: number): PoolGeometry {
    const [C, H, W] = this.pooling.inputShape;
    const [, OH, OW] = this.pooling.outputShape;
    const { size, stride = size } = this.pooling.spec();
    return { planes: N * C, H, W, size, stride, pad: 0, OH, OW };
  }
}
