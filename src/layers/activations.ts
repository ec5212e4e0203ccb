// Elementwise activations. ReLU remembers where the input was positive; Sigmoid remembers its output,
// since its derivative is y(1-y). Neither touches dout: the book's ReLU.backward mutates it, ours copies.

import { allocate, dtypeOf, type Tensor } from '../tensor/tensor.js';
import { checkGradient, noForward } from './check.js';
import type { Layer, LayerContext, Param, ReluSpec, SigmoidSpec } from './layer.js';

abstract class Elementwise implements Layer {
  readonly name: string;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  inputGradient = true;
  protected shape: readonly number[] | undefined;

  constructor(context: LayerContext) {
    this.name = context.name;
    this.inputShape = [...context.inputShape];
    this.outputShape = [...context.inputShape];
  }

  abstract forward(x: Tensor, train: boolean): Tensor;
  abstract backward(dout: Tensor): Tensor | undefined;
  abstract spec(): ReluSpec | SigmoidSpec;

  params(): Param[] {
    return [];
  }

  protected begin(dout: Tensor): readonly number[] {
    const shape = this.shape ?? noForward(this.name);
    checkGradient(this.name, dout, shape);
    return shape;
  }
}

export class Relu extends Elementwise {
  private positive = new Uint8Array(0);

  forward(x: Tensor): Tensor {
    const input = x.data;
    const out = allocate(input.length, dtypeOf(input));
    if (this.positive.length !== input.length) this.positive = new Uint8Array(input.length);
    for (let i = 0; i < input.length; i++) {
      const on = input[i] > 0;
      this.positive[i] = on ? 1 : 0;
      out[i] = on ? input[i] : 0;
    }
    this.shape = x.shape;
    return { shape: x.shape, data: out };
  }

  backward(dout: Tensor): Tensor | undefined {
    const shape = this.begin(dout);
    if (!this.inputGradient) return undefined;
    const dx = allocate(dout.data.length, dtypeOf(dout.data));
    for (let i = 0; i < dx.length; i++) dx[i] = this.positive[i] ? dout.data[i] : 0;
    return { shape, data: dx };
  }

  spec(): ReluSpec {
    return { type: 'relu' };
  }
}

export class Sigmoid extends Elementwise {
  private out: Tensor | undefined;

  forward(x: Tensor): Tensor {
    const input = x.data;
    const out = allocate(input.length, dtypeOf(input));
    for (let i = 0; i < input.length; i++) out[i] = 1 / (1 + Math.exp(-input[i]));
    this.shape = x.shape;
    this.out = { shape: x.shape, data: out };
    return this.out;
  }

  backward(dout: Tensor): Tensor | undefined {
    const shape = this.begin(dout);
    if (!this.inputGradient) return undefined;
    const y = (this.out as Tensor).data;
    const dx = allocate(dout.data.length, dtypeOf(dout.data));
    for (let i = 0; i < dx.length; i++) dx[i] = dout.data[i] * y[i] * (1 - y[i]);
    return { shape, data: dx };
  }

  spec(): SigmoidSpec {
    return { type: 'sigmoid' };
  }
}
