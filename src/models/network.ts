// A sequential network built from plain data: an input shape and a list of layer specs. The loss layer
// sits outside the list, as the book's last_layer. Shapes are checked once, here, at construction.

import { createLayer, layerName } from '../layers/create.js';
import type { Layer, LayerSpec, Param, StateTensor } from '../layers/layer.js';
import { SoftmaxWithLoss, argmax, softmax, type Labels } from '../layers/softmax-with-loss.js';
import { Random, mixSeed, streams } from '../tensor/random.js';
import { allocate, dtypeOf, formatShape, sizeOf, type DType, type Tensor } from '../tensor/tensor.js';
import { PooledHead } from './pooled-head.js';

export { argmax };

export interface ModelSpec {
  /** Shape of one input sample, e.g. [1,28,28]. */
  input: number[];
  layers: LayerSpec[];
}

export interface NetworkOptions {
  /** Seeds the weight initialisation. */
  seed?: number;
  /** float32 for training; float64 for gradient checks. */
  dtype?: DType;
  /** false leaves the weights zero, for a network whose weights are loaded next (skips the draws). */
  initialize?: boolean;
  /**
   * false runs every layer on its own, never a fused head (pooled-head.ts): for the tests that hold
   * the fused passes to the layers they stand for.
   */
  fuse?: boolean;
}

export class Network {
  readonly layers: Layer[];
  readonly lastLayer = new SoftmaxWithLoss();
  readonly dtype: DType;
  /** Training-time noise (dropout masks); reseeded before every step by reseedNoise. */
  readonly noise = new Random(0);
  /** conv -> ReLU -> max-pool at the start, run fused where the backend can (pooled-head.ts). */
  readonly head: PooledHead | undefined;
  /** Whether the last forward pass ran the fused head, so backward takes the same path. */
  private headRan = false;

  constructor(
    readonly model: ModelSpec,
    options: NetworkOptions = {},
  ) {
    this.dtype = options.dtype ?? 'float32';
    const random = options.initialize === false ? null : new Random(options.seed ?? 1);
    const counts = new Map<string, number>();
    let shape: readonly number[] = model.input;
    if (!Array.isArray(shape) || shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new RangeError(`model: input shape must be positive integers, got ${JSON.stringify(shape)}`);
    }
    this.layers = model.layers.map((spec, index) => {
      const name = layerName(spec, counts);
      try {
        const layer = createLayer(spec, { name, inputShape: shape, dtype: this.dtype, random, noise: this.noise });
        shape = layer.outputShape;
        return layer;
      } catch (error) {
        throw new RangeError(`layer ${index}: ${(error as Error).message}`, { cause: error });
      }
    });
    if (this.layers.length > 0) this.layers[0].inputGradient = false;
    this.head = options.fuse === false ? undefined : PooledHead.of(this.layers);
    if (shape.length !== 1) {
      throw new RangeError(`model: the last layer must output class scores [K], got ${formatShape(shape)}`);
    }
  }

  get classes(): number {
    return this.outputShape[0];
  }

  get outputShape(): readonly number[] {
    return this.layers.length > 0 ? this.layers[this.layers.length - 1].outputShape : this.model.input;
  }

  params(): Param[] {
    return this.layers.flatMap((layer) => layer.params());
  }

  /** Everything a snapshot stores: the learned parameters, then state such as running statistics. */
  tensors(): StateTensor[] {
    return [...this.params(), ...this.layers.flatMap((layer) => layer.state?.() ?? [])];
  }

  /**
   * Sets the noise stream from a run's seed and a step's place in it, so the dropout masks of a step
   * depend on nothing else: a run resumed in the middle of an epoch draws the very same masks.
   */
  reseedNoise(seed: number, epoch: number, batch: number): void {
    this.noise.setState(new Random(mixSeed(seed, epoch, batch, streams.dropout)).state());
  }

  /** Class scores (N,K) before softmax, in a fresh array the caller may keep. */
  predict(x: Tensor, train = false): Tensor {
    this.headRan = this.head?.applies(x.shape[0]) === true;
    let out = this.headRan ? this.head!.forward(x) : x;
    for (let i = this.headRan ? this.head!.length : 0; i < this.layers.length; i++) out = this.layers[i].forward(out, train);
    return { shape: [...out.shape], data: out.data.slice() };
  }

  /** Class probabilities (N,K). */
  probabilities(x: Tensor): Tensor {
    return softmax(this.predict(x, false));
  }

  loss(x: Tensor, labels: Labels, train = false): number {
    return this.lastLayer.forward(this.predict(x, train), labels);
  }

  /** Backpropagation: fills every parameter's grad and returns the loss it differentiated. */
  gradient(x: Tensor, labels: Labels): number {
    const loss = this.loss(x, labels, true);
    let dout: Tensor | undefined = this.lastLayer.backward();
    const first = this.headRan ? this.head!.length : 0;
    for (let i = this.layers.length - 1; i >= first && dout !== undefined; i--) {
      dout = this.layers[i].backward(dout);
    }
    if (this.headRan && dout !== undefined) this.head!.backward(dout);
    return loss;
  }

  /** Fraction of correct top-1 predictions, computed batchSize samples at a time. */
  accuracy(x: Tensor, labels: Labels, batchSize = 100): number {
    const N = x.shape[0];
    if (N === 0) return 0;
    return this.countCorrect(x, labels, batchSize) / N;
  }

  countCorrect(x: Tensor, labels: Labels, batchSize = 100): number {
    const N = x.shape[0];
    const sample = sizeOf(x.shape.slice(1));
    let correct = 0;
    for (let start = 0; start < N; start += batchSize) {
      const count = Math.min(batchSize, N - start);
      const batch = { shape: [count, ...x.shape.slice(1)], data: x.data.subarray(start * sample, (start + count) * sample) };
      const scores = this.predict(batch, false);
      const K = scores.shape[1];
      for (let n = 0; n < count; n++) {
        if (argmax(scores.data, n * K, K) === labels[start + n]) correct++;
      }
    }
    return correct;
  }

  /**
   * Central differences, (f(w+h) - f(w-h)) / 2h, for every weight: the slow, obviously right gradient
   * that backprop is checked against. Use a float64 network.
   */
  numericalGradient(x: Tensor, labels: Labels, h = 1e-4): Map<string, Tensor> {
    const gradients = new Map<string, Tensor>();
    // Every evaluation starts from the same noise, so dropout draws the masks backprop saw if the
    // caller reseeded before both.
    const noise = this.noise.state();
    const loss = (): number => {
      this.noise.setState(noise);
      return this.loss(x, labels, true);
    };
    for (const param of this.params()) {
      const w = param.value.data;
      const g = allocate(w.length, dtypeOf(w));
      for (let i = 0; i < w.length; i++) {
        const original = w[i];
        w[i] = original + h;
        const plus = loss();
        w[i] = original - h;
        const minus = loss();
        w[i] = original;
        g[i] = (plus - minus) / (2 * h);
      }
      gradients.set(param.name, { shape: param.value.shape, data: g });
    }
    this.noise.setState(noise);
    return gradients;
  }
}
