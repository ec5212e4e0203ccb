// Max pooling, done directly rather than through im2col (the NumPy book version spends half its step
// there). Forward remembers where each maximum came from; backward routes the gradient back to it.
// Padding cells never win: they count as minus infinity, as in PyTorch.

import { convOutSize } from '../tensor/geometry.js';
import { allocate, dtypeOf, type Tensor } from '../tensor/tensor.js';
import { checkGradient, checkInput, noForward } from './check.js';
import type { Layer, LayerContext, Param, PoolingSpec } from './layer.js';

export class Pooling implements Layer {
  readonly name: string;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  inputGradient = true;
  private argmax = new Int32Array(0);
  private batch = -1;

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
    const [C, H, W] = this.inputShape;
    const [, OH, OW] = this.outputShape;
    const { size, stride = size, pad = 0 } = this.config;
    const total = N * C * OH * OW;
    if (this.argmax.length !== total) this.argmax = new Int32Array(total);
    const out = allocate(total, dtypeOf(x.data));
    const input = x.data;
    let o = 0;
    for (let plane = 0; plane < N * C; plane++) {
      const base = plane * H * W;
      for (let oh = 0; oh < OH; oh++) {
        const h0 = Math.max(oh * stride - pad, 0);
        const h1 = Math.min(oh * stride - pad + size, H);
        for (let ow = 0; ow < OW; ow++, o++) {
          const w0 = Math.max(ow * stride - pad, 0);
          const w1 = Math.min(ow * stride - pad + size, W);
          let best = -Infinity;
          let where = base + h0 * W + w0;
          for (let h = h0; h < h1; h++) {
            for (let w = w0; w < w1; w++) {
              const value = input[base + h * W + w];
              if (value > best) {
                best = value;
                where = base + h * W + w;
              }
            }
          }
          out[o] = input[where];
          this.argmax[o] = where;
        }
      }
    }
    this.batch = N;
    return { shape: [N, C, OH, OW], data: out };
  }

  backward(dout: Tensor): Tensor | undefined {
    if (this.batch < 0) noForward(this.name);
    const N = this.batch;
    checkGradient(this.name, dout, [N, ...this.outputShape]);
    if (!this.inputGradient) return undefined;
    const dx = allocate(N * this.inputShape[0] * this.inputShape[1] * this.inputShape[2], dtypeOf(dout.data));
    const gradient = dout.data;
    for (let o = 0; o < gradient.length; o++) dx[this.argmax[o]] += gradient[o];
    return { shape: [N, ...this.inputShape], data: dx };
  }

  params(): Param[] {
    return [];
  }

  spec(): PoolingSpec {
    return { ...this.config };
  }
}
