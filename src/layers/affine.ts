// Affine (fully connected): out = x W + b, with W (D,U) and b (U) as in the book. A 4D input is read as
// (N, C*H*W); backward hands dx back in the input's own shape.

import { kernels } from '../kernels/backend.js';
import { sizeOf, type FloatArray, type Tensor } from '../tensor/tensor.js';
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
    const db = this.bias.grad.data;
    db.fill(0);
    for (let n = 0; n < N; n++) for (let u = 0; u < U; u++) db[u] += dout.data[n * U + u];
    const active = this.activeUnits(dout.data, N, U);
    if (active.length <= U - Math.max(1, Math.floor(U / 8))) return this.backwardOf(x, dout.data, active);
    kernels().gemm({ transA: true, transB: false, M: D, N: U, K: N, A: x.data, B: dout.data, C: this.weights.grad.data, accumulate: false });
    if (!this.inputGradient) return undefined;
    const dx = this.scratch.get('dx', N * D);
    kernels().gemm({ transA: false, transB: true, M: N, N: D, K: U, A: dout.data, B: this.weights.value.data, C: dx, accumulate: false });
    return { shape: [...x.shape], data: dx };
  }

  // The units whose gradient is not zero for every image of the batch. After a ReLU that it shut for
  // all of them, a unit adds exactly nothing to dx and its weights' gradient is exactly zero: the
  // SimpleConvNet's affine1 has 28 such units of 100 from its tenth step on (the book's small initial
  // weights), and leaving them out of both products saves that share of its backward pass.
  private activeUnits(dout: FloatArray, N: number, U: number): Int32Array {
    const columns = this.scratch.getIndices('active units', U);
    let count = 0;
    for (let u = 0; u < U; u++) {
      let n = 0;
      while (n < N && dout[n * U + u] === 0) n++;
      if (n < N) columns[count++] = u; // NaN is not zero: it counts, and spreads as it should
    }
    return columns.subarray(0, count);
  }

  // backward over the active units only: their columns of dout and of W gathered side by side, the two
  // products on those, and the weights' gradient scattered back with zeros for the rest. Each value
  // sums the same nonzero terms in the same order as the full products, so the numbers are the same
  // (a full product would also turn an infinite weight of a shut unit into NaN in dx; this does not).
  private backwardOf(x: Tensor, dout: FloatArray, active: Int32Array): Tensor | undefined {
    const N = x.shape[0];
    const [D, U] = this.weights.value.shape;
    const A = active.length;
    const k = kernels();
    const activeDout = this.scratch.get('active dout', N * U).subarray(0, N * A);
    k.gatherColumns(dout, N, U, active, A, activeDout);
    const activeGrad = this.scratch.get('active dW', D * U).subarray(0, D * A);
    k.gemm({ transA: true, transB: false, M: D, N: A, K: N, A: x.data, B: activeDout, C: activeGrad, accumulate: false });
    k.scatterColumns(activeGrad, D, A, active, U, this.weights.grad.data);
    if (!this.inputGradient) return undefined;
    const activeWeights = this.scratch.get('active W', D * U).subarray(0, D * A);
    k.gatherColumns(this.weights.value.data, D, U, active, A, activeWeights);
    const dx = this.scratch.get('dx', N * D);
    k.gemm({ transA: false, transB: true, M: N, N: D, K: A, A: activeDout, B: activeWeights, C: dx, accumulate: false });
    return { shape: [...x.shape], data: dx };
  }

  params(): Param[] {
    return [this.weights, this.bias];
  }

  spec(): AffineSpec {
    return { ...this.config };
  }
}
