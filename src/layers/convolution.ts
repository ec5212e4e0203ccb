// Convolution as in the book: im2col, one matrix product with the filters, reshape back to NCHW.
// W is (F,C,KH,KW), b is (F). The input gradient goes back through col2im.

import { kernels } from '../kernels/backend.js';
import type { WindowGeometry } from '../kernels/im2col.js';
import { convOutSize } from '../tensor/geometry.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkGradient, checkInput, noForward } from './check.js';
import { fillNormal, initScale } from './init.js';
import type { ConvolutionSpec, Layer, LayerContext, Param } from './layer.js';
import { Scratch, zeroBuffer } from './scratch.js';

export class Convolution implements Layer {
  readonly name: string;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  inputGradient = true;
  private readonly weights: Param;
  private readonly bias: Param;
  private readonly scratch;
  private geometry: WindowGeometry | undefined;
  private input: Tensor | undefined;

  constructor(
    private readonly config: ConvolutionSpec,
    context: LayerContext,
  ) {
    const { name, inputShape, dtype, random } = context;
    const { filters: F, size, stride = 1, pad = 0, weightInit = 0.01 } = config;
    if (inputShape.length !== 3) {
      throw new RangeError(`${name}: convolution needs a [C,H,W] input, got [${inputShape.join(',')}]`);
    }
    if (!Number.isInteger(F) || F < 1) throw new RangeError(`${name}: filters must be a positive integer, got ${F}`);
    const [C, H, W] = inputShape;
    const OH = convOutSize(H, size, stride, pad, `${name} (height)`);
    const OW = convOutSize(W, size, stride, pad, `${name} (width)`);
    this.name = name;
    this.inputShape = [C, H, W];
    this.outputShape = [F, OH, OW];
    const shape = [F, C, size, size];
    const weightCount = F * C * size * size;
    this.weights = { name: `${name}.W`, value: { shape, data: zeroBuffer(weightCount, dtype) }, grad: { shape, data: zeroBuffer(weightCount, dtype) } };
    this.bias = { name: `${name}.b`, value: { shape: [F], data: zeroBuffer(F, dtype) }, grad: { shape: [F], data: zeroBuffer(F, dtype) } };
    fillNormal(this.weights.value.data, initScale(weightInit, C * size * size), random);
    this.scratch = new Scratch(dtype);
  }

  forward(x: Tensor): Tensor {
    const N = checkInput(this.name, x, this.inputShape);
    const [C, H, W] = this.inputShape;
    const [F, OH, OW] = this.outputShape;
    const { size, stride = 1, pad = 0 } = this.config;
    const g: WindowGeometry = { N, C, H, W, KH: size, KW: size, stride, pad, OH, OW };
    const out = this.scratch.get('out', N * F * OH * OW);
    this.geometry = g;
    this.input = x;
    if (this.direct(g)) {
      kernels().directConvolution?.forward(x.data, this.weights.value.data, this.bias.value.data, F, g, out);
      return { shape: [N, F, OH, OW], data: out };
    }
    // The story: every receptive field becomes a row of col, then one product with the filters.
    const rows = N * OH * OW;
    const rowLength = C * size * size;
    const col = this.scratch.get('col', rows * rowLength);
    kernels().im2col(x.data, g, col);
    const product = this.scratch.get('product', rows * F);
    kernels().gemm({ transA: false, transB: true, M: rows, N: F, K: rowLength, A: col, B: this.weights.value.data, C: product, accumulate: false });
    kernels().rowsToPlanes(product, this.bias.value.data, N, F, OH * OW, out);
    return { shape: [N, F, OH, OW], data: out };
  }

  backward(dout: Tensor): Tensor | undefined {
    const g = this.geometry ?? noForward(this.name);
    const { N, C, H, W, KH, KW, OH, OW } = g;
    const F = this.outputShape[0];
    checkGradient(this.name, dout, [N, F, OH, OW]);
    if (this.direct(g)) {
      const x = (this.input as Tensor).data;
      kernels().directConvolution?.weightGradient(x, dout.data, F, g, this.weights.grad.data, this.bias.grad.data);
      return undefined;
    }
    const rows = N * OH * OW;
    const rowLength = C * KH * KW;
    const dproduct = this.scratch.get('dproduct', rows * F);
    kernels().planesToRows(dout.data, N, F, OH * OW, dproduct, this.bias.grad.data);
    const col = this.scratch.get('col', rows * rowLength);
    kernels().gemm({ transA: true, transB: false, M: F, N: rowLength, K: rows, A: dproduct, B: col, C: this.weights.grad.data, accumulate: false });
    if (!this.inputGradient) return undefined;
    const dcol = this.scratch.get('dcol', rows * rowLength);
    kernels().gemm({ transA: false, transB: false, M: rows, N: rowLength, K: F, A: dproduct, B: this.weights.value.data, C: dcol, accumulate: false });
    const dx = this.scratch.get('dx', N * C * H * W);
    kernels().col2im(dcol, g, dx);
    return { shape: [N, C, H, W], data: dx };
  }

  // A first layer (no input gradient wanted) may let the backend convolve straight from the image:
  // it never builds col, which only the input gradient would need. Same numbers, less copying.
  private direct(g: WindowGeometry): boolean {
    return !this.inputGradient && kernels().directConvolution?.supports(g) === true;
  }

  params(): Param[] {
    return [this.weights, this.bias];
  }

  spec(): ConvolutionSpec {
    return { ...this.config };
  }
}
