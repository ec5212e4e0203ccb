// Elementwise activations. Each remembers its output: ReLU's is positive exactly where the gradient
// passes, Sigmoid's derivative is y(1-y), Tanh's 1-y². None touches dout (the book's ReLU.backward
// mutates it).

import { kernels } from '../kernels/backend.js';
import { dtypeOf, type Tensor } from '../tensor/tensor.js';
import { checkGradient, noForward } from './check.js';
import type { Layer, LayerContext, Param, ReluSpec, SigmoidSpec, TanhSpec } from './layer.js';
import { Scratch } from './scratch.js';

abstract class Elementwise implements Layer {
  readonly name: string;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  inputGradient = true;
  /** The last forward's output: its shape checks dout, its values give the derivative. */
  protected out: Tensor | undefined;
  private readonly scratch = new Scratch();

  constructor(context: LayerContext) {
    this.name = context.name;
    this.inputShape = [...context.inputShape];
    this.outputShape = [...context.inputShape];
  }

  abstract forward(x: Tensor, train: boolean): Tensor;
  abstract backward(dout: Tensor): Tensor | undefined;
  abstract spec(): ReluSpec | SigmoidSpec | TanhSpec;

  params(): Param[] {
    return [];
  }

  protected begin(dout: Tensor): readonly number[] {
    const shape = this.out?.shape ?? noForward(this.name);
    checkGradient(this.name, dout, shape);
    return shape;
  }

  // Activations have no weights to fix their precision, so their buffers follow the input's.
  protected buffer(key: string, like: Tensor): ReturnType<Scratch['get']> {
    return this.scratch.get(key, like.data.length, dtypeOf(like.data));
  }
}

export class Relu extends Elementwise {
  forward(x: Tensor): Tensor {
    const y = this.buffer('out', x);
    kernels().reluForward(x.data, y, y.length);
    this.out = { shape: x.shape, data: y };
    return this.out;
  }

  backward(dout: Tensor): Tensor | undefined {
    const shape = this.begin(dout);
    if (!this.inputGradient) return undefined;
    const dx = this.buffer('dx', dout);
    kernels().reluBackward(dout.data, (this.out as Tensor).data, dx, dx.length);
    return { shape, data: dx };
  }

  spec(): ReluSpec {
    return { type: 'relu' };
  }
}

export class Sigmoid extends Elementwise {
  forward(x: Tensor): Tensor {
    const y = this.buffer('out', x);
    kernels().sigmoidForward(x.data, y, y.length);
    this.out = { shape: x.shape, data: y };
    return this.out;
  }

  backward(dout: Tensor): Tensor | undefined {
    const shape = this.begin(dout);
    if (!this.inputGradient) return undefined;
    const dx = this.buffer('dx', dout);
    kernels().sigmoidBackward(dout.data, (this.out as Tensor).data, dx, dx.length);
    return { shape, data: dx };
  }

  spec(): SigmoidSpec {
    return { type: 'sigmoid' };
  }
}

export class Tanh extends Elementwise {
  forward(x: Tensor): Tensor {
    const input = x.data;
    const y = this.buffer('out', x);
    for (let i = 0; i < input.length; i++) y[i] = Math.tanh(input[i]);
    this.out = { shape: x.shape, data: y };
    return this.out;
  }

  backward(dout: Tensor): Tensor | undefined {
    const shape = this.begin(dout);
    if (!this.inputGradient) return undefined;
    const y = (this.out as Tensor).data;
    const dx = this.buffer('dx', dout);
    for (let i = 0; i < dx.length; i++) dx[i] = dout.data[i] * (1 - y[i] * y[i]);
    return { shape, data: dx };
  }

  spec(): TanhSpec {
    return { type: 'tanh' };
  }
}
