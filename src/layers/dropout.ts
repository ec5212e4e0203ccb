// Inverted dropout: while training, each value is zeroed with probability `rate` and the survivors are
// scaled by 1/(1-rate), so the expected activation is unchanged and evaluation is a plain copy (the
// book's version scales at test time instead; both train the same net). The mask comes from the
// network's noise stream, which the training loop reseeds before every step: runs repeat exactly.

import { Random } from '../tensor/random.js';
import { dtypeOf, type Tensor } from '../tensor/tensor.js';
import { checkGradient, noForward } from './check.js';
import type { DropoutSpec, Layer, LayerContext, Param } from './layer.js';
import { Scratch } from './scratch.js';

export class Dropout implements Layer {
  readonly name: string;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  inputGradient = true;
  private readonly rate: number;
  private readonly noise: Random;
  private readonly scratch = new Scratch();
  /** Per value, 0 or 1/(1-rate) from the last training forward; all ones after an evaluation forward. */
  private mask: Tensor | undefined;

  constructor(
    private readonly config: DropoutSpec,
    context: LayerContext,
  ) {
    const rate = config.rate ?? 0.5;
    if (!(rate >= 0 && rate < 1)) throw new RangeError(`${context.name}: dropout rate must be in [0,1), got ${rate}`);
    this.name = context.name;
    this.inputShape = [...context.inputShape];
    this.outputShape = [...context.inputShape];
    this.rate = rate;
    // A layer built on its own (in a test) still gets a seeded stream.
    this.noise = context.noise ?? new Random(1);
  }

  forward(x: Tensor, train: boolean): Tensor {
    const input = x.data;
    const dtype = dtypeOf(input);
    const out = this.scratch.get('out', input.length, dtype);
    const mask = this.scratch.get('mask', input.length, dtype);
    if (train && this.rate > 0) {
      const keep = 1 / (1 - this.rate);
      // A value survives when a uniform 32-bit draw reaches rate * 2^32: one draw per value.
      const threshold = this.rate * 4294967296;
      for (let i = 0; i < input.length; i++) {
        mask[i] = this.noise.nextUint32() >= threshold ? keep : 0;
        out[i] = input[i] * mask[i];
      }
    } else {
      mask.fill(1);
      out.set(input);
    }
    this.mask = { shape: x.shape, data: mask };
    return { shape: x.shape, data: out };
  }

  backward(dout: Tensor): Tensor | undefined {
    const mask = this.mask ?? noForward(this.name);
    checkGradient(this.name, dout, mask.shape);
    if (!this.inputGradient) return undefined;
    const dx = this.scratch.get('dx', dout.data.length, dtypeOf(dout.data));
    for (let i = 0; i < dx.length; i++) dx[i] = dout.data[i] * mask.data[i];
    return { shape: mask.shape, data: dx };
  }

  params(): Param[] {
    return [];
  }

  spec(): DropoutSpec {
    return { ...this.config };
  }
}
