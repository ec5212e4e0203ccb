// Affine (fully connected): out = x W + b, with W (D,U) and b (U) as in the book. A 4D input is read as
// (N, C*H*W); backward hands dx back in the input's own shape.

import { kernels } from '../kernels/backend.js';
import { sizeOf, type Tensor } from '../tensor/tensor.js';
import { checkGradient, checkInput, noForward } from './check.js';
import { fillNormal, initScale } from './init.js';
import type { AffineSpec, Layer, LayerContext, Param } from './layer.js';
import { Scratch, zeroBuffer } from './scratch.js';

export class Affine implements Layer {
  readonly name: string;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  inputGradient = true;
  private readonly weights: Param;
  private readonly bias: Param;
  private input: Tensor | undefined;
  private readonly scratch;

  constructor(
    private readonly config: AffineSpec,
    context: LayerContext,
  ) {
    const { name, inputShape, dtype, random } = context;
    const { units: U, weightInit = 0.01 } = config;
    if (!Number.isInteger(U) || U < 1) throw new RangeError(`${name}: units must be a positive integer, got ${U}`);
    const D = sizeOf(inputShape);
    this.name = name;
    this.inputShape = [...inputShape];
    this.outputShape = [U];
    this.weights = { name: `${name}.W`, value: { shape: [D, U], data: zeroBuffer(D * U, dtype) }, grad: { shape: [D, U], data: zeroBuffer(D * U, dtype) } };
    this.bias = { name: `${name}.b`, value: { shape: [U], data: zeroBuffer(U, dtype) }, grad: { shape: [U], data: zeroBuffer(U, dtype) } };
    this.scratch = new Scratch(dtype);
    fillNormal(this.weights.value.data, initScale(weightInit, D), random);
  }

  // x is (N,D) (any sample shape of D values); out is (N,U).
  forward(x: Tensor): Tensor {
    const N = checkInput(this.name, x, this.inputShape);
    const [D, U] = this.weights.value.shape;
    const out = this.scratch.get('out', N * U);
    const b = this.bias.value.data;
    for (let n = 0; n < N; n++) out.set(b, n * U);
    kernels().gemm({ transA: false, transB: false, M: N, N: U, K: D, A: x.data, B: this.weights.value.data, C: out, accumulate: true });
    this.input = x;
    return { shape: [N, U], data: out };
  }

  backward(dout: Tensor): Tensor | undefined {
    const x = this.input ?? noForward(this.name);
    const N = x.shape[0];
    const [D, U] = this.weights.value.shape;
    checkGradient(this.name, dout, [N, U]);
    kernels().gemm({ transA: true, transB: false, M: D, N: U, K: N, A: x.data, B: dout.data, C: this.weights.grad.data, accumulate: false });
    const db = this.bias.grad.data;
    db.fill(0);
    for (let n = 0; n < N; n++) for (let u = 0; u < U; u++) db[u] += dout.data[n * U + u];
    if (!this.inputGradient) return undefined;
    const dx = this.scratch.get('dx', N * D);
    kernels().gemm({ transA: false, transB: true, M: N, N: D, K: U, A: dout.data, B: this.weights.value.data, C: dx, accumulate: false });
    return { shape: [...x.shape], data: dx };
  }

  params(): Param[] {
    return [this.weights, this.bias];
  }

  spec(): AffineSpec {
    return { ...this.config };
  }
}
