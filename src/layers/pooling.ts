// Pooling, done directly rather than through im2col (the NumPy book version spends half its step
// there), in kernels().maxPool* and averagePool*. Max pooling's forward remembers where each
// maximum came from, backward routes the gradient back to it, and padding cells never win, as in
// PyTorch. Average pooling is LeNet's subsampling: each output is the window's mean, padding counted
// as zeros (PyTorch's count_include_pad), so backward spreads dout/size² over the window.

import { convOutSize } from '../tensor/geometry.js';
import { kernels } from '../kernels/backend.js';
import type { PoolGeometry } from '../kernels/elementwise.js';
import { dtypeOf, type Tensor } from '../tensor/tensor.js';
import { checkGradient, checkInput, noForward } from './check.js';
import type { Layer, LayerContext, Param, PoolingSpec } from './layer.js';
import { Scratch } from './scratch.js';

export class Pooling implements Layer {
  readonly name: string;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  inputGradient = true;
  private argmax: Int32Array = new Int32Array(0);
  private batch = -1;
  private readonly scratch = new Scratch();

  constructor(
    private readonly config: PoolingSpec,
    context: LayerContext,
  ) {
    const { name, inputShape } = context;
    const { size, stride = size, pad = 0 } = config;
    if (inputShape.length !== 3) {
      throw new RangeError(`${name}: pooling needs a [C,H,W] input, got [${inputShape.join(',')}]`);
    }
    if (2 * pad > size) {
      throw new RangeError(`${name}: pad ${pad} must be at most half the pool size ${size}`);
    }
    const [C, H, W] = inputShape;
    this.name = name;
    this.inputShape = [C, H, W];
    this.outputShape = [
      C,
      convOutSize(H, size, stride, pad, `${name} (height)`),
      convOutSize(W, size, stride, pad, `${name} (width)`),
    ];
  }

  // x is (N,C,H,W); out is (N,C,OH,OW); argmax holds, per output, the flat index into x.
  forward(x: Tensor): Tensor {
    const N = checkInput(this.name, x, this.inputShape);
    const [C, OH, OW] = this.outputShape;
    // Pooling has no weights to fix its precision, so its buffers follow the input's.
    const out = this.scratch.get('out', N * C * OH * OW, dtypeOf(x.data));
    const geometry = this.geometry(N);
    if (this.config.mode === 'average') {
      kernels().averagePoolForward(x.data, geometry, out);
    } else {
      this.argmax = this.scratch.getIndices('argmax', out.length);
      kernels().maxPoolForward(x.data, geometry, out, this.argmax);
    }
    this.batch = N;
    return { shape: [N, C, OH, OW], data: out };
  }

  backward(dout: Tensor): Tensor | undefined {
    if (this.batch < 0) noForward(this.name);
    const N = this.batch;
    checkGradient(this.name, dout, [N, ...this.outputShape]);
    if (!this.inputGradient) return undefined;
    const inputs = N * this.inputShape[0] * this.inputShape[1] * this.inputShape[2];
    const dx = this.scratch.get('dx', inputs, dtypeOf(dout.data));
    if (this.config.mode === 'average') {
      kernels().averagePoolBackward(dout.data, this.geometry(N), dx);
    } else {
      kernels().maxPoolBackward(dout.data, this.argmax, dout.data.length, dx, inputs, N * this.inputShape[0]);
    }
    return { shape: [N, ...this.inputShape], data: dx };
  }

  params(): Param[] {
    return [];
  }

  private geometry(N: number): PoolGeometry {
    const [C, H, W] = this.inputShape;
    const [, OH, OW] = this.outputShape;
    const { size, stride = size, pad = 0 } = this.config;
    return { planes: N * C, H, W, size, stride, pad, OH, OW };
  }

  spec(): PoolingSpec {
    return { ...this.config };
  }
}
