// Normalization layers. Local response normalization (AlexNet) divides each value by a power of the
// squared activity of its neighbouring channels; it has no weights. Batch normalization standardises
// each channel with the batch's statistics while training and with running averages of them in
// evaluation, then scales and shifts by the learned gamma and beta.

import { kernels } from '../kernels/backend.js';
import type { LrnGeometry } from '../kernels/normalization.js';
import { dtypeOf, sizeOf, type FloatArray, type Tensor } from '../tensor/tensor.js';
import { checkGradient, checkInput, noForward } from './check.js';
import type { BatchNormSpec, Layer, LayerContext, LrnSpec, Param, StateTensor } from './layer.js';
import { Scratch, zeroBuffer } from './scratch.js';

export class LocalResponseNormalization implements Layer {
  readonly name: string;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  inputGradient = true;
  private input: Tensor | undefined;
  /** s = k + alpha * (sum of squares over the window), one per value of the last forward. */
  private scale: FloatArray = new Float64Array(0);
  /** s^-beta, what forward multiplied by: backward reuses it instead of calling pow again. */
  private factor: FloatArray = new Float64Array(0);
  private readonly scratch = new Scratch();

  constructor(
    private readonly config: LrnSpec,
    context: LayerContext,
  ) {
    const { name, inputShape } = context;
    const { size = 5 } = config;
    if (inputShape.length !== 3) {
      throw new RangeError(`${name}: local response normalization needs a [C,H,W] input, got [${inputShape.join(',')}]`);
    }
    // An even window would have no centre channel.
    if (!Number.isInteger(size) || size < 1 || size % 2 === 0) {
      throw new RangeError(`${name}: size must be a positive odd integer, got ${size}`);
    }
    this.name = name;
    this.inputShape = [...inputShape];
    this.outputShape = [...inputShape];
  }

  // x is (N,C,H,W); each pixel's channels are normalised together, independently of other pixels.
  forward(x: Tensor): Tensor {
    const N = checkInput(this.name, x, this.inputShape);
    // No weights fix this layer's precision, so its buffers follow the input's.
    const dtype = dtypeOf(x.data);
    const scale = this.scratch.get('scale', x.data.length, dtype);
    const factor = this.scratch.get('factor', x.data.length, dtype);
    const out = this.scratch.get('out', x.data.length, dtype);
    kernels().lrnForward(x.data, this.geometry(N), scale, factor, out);
    this.input = x;
    this.scale = scale;
    this.factor = factor;
    return { shape: [N, ...this.inputShape], data: out };
  }

  backward(dout: Tensor): Tensor | undefined {
    const x = this.input ?? noForward(this.name);
    checkGradient(this.name, dout, x.shape);
    if (!this.inputGradient) return undefined;
    const dtype = dtypeOf(dout.data);
    const weighted = this.scratch.get('weighted', dout.data.length, dtype);
    const dx = this.scratch.get('dx', dout.data.length, dtype);
    kernels().lrnBackward(dout.data, x.data, this.scale, this.factor, this.geometry(x.shape[0]), weighted, dx);
    return { shape: [...x.shape], data: dx };
  }

  private geometry(N: number): LrnGeometry {
    const [C, H, W] = this.inputShape;
    const { size = 5, k = 2, alpha = 1e-4, beta = 0.75 } = this.config;
    return { N, C, plane: H * W, size, k, alpha, beta };
  }

  params(): Param[] {
    return [];
  }

  spec(): LrnSpec {
    return { ...this.config };
  }
}

export class BatchNormalization implements Layer {
  readonly name: string;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  inputGradient = true;
  private readonly gamma: Param;
  private readonly beta: Param;
  private readonly runningMean: StateTensor;
  private readonly runningVariance: StateTensor;
  private readonly momentum: number;
  private readonly epsilon: number;
  private readonly channels: number;
  /** Values per channel in one sample: H*W for [C,H,W], 1 for [D]. */
  private readonly spatial: number;
  /** 1/sqrt(variance + epsilon) per channel of the last forward, from the batch or the running variance. */
  private readonly inverseDeviation: Float64Array;
  /** xhat of the last forward, which backward needs for dgamma and dx. */
  private normalized: FloatArray | undefined;
  private batch = -1;
  /** Whether the last forward normalised with batch statistics, which decides backward's formula. */
  private training = false;
  private readonly scratch = new Scratch();

  constructor(
    private readonly config: BatchNormSpec,
    context: LayerContext,
  ) {
    const { name, inputShape, dtype } = context;
    const { momentum = 0.9, epsilon = 1e-5 } = config;
    if (inputShape.length !== 3 && inputShape.length !== 1) {
      throw new RangeError(`${name}: batch normalization needs a [C,H,W] or [D] input, got [${inputShape.join(',')}]`);
    }
    // Written as negations so that NaN is rejected too.
    if (!(momentum >= 0 && momentum < 1)) throw new RangeError(`${name}: momentum must be in [0,1), got ${momentum}`);
    if (!(epsilon > 0)) throw new RangeError(`${name}: epsilon must be positive, got ${epsilon}`);
    const C = inputShape[0];
    this.name = name;
    this.inputShape = [...inputShape];
    this.outputShape = [...inputShape];
    this.momentum = momentum;
    this.epsilon = epsilon;
    this.channels = C;
    this.spatial = sizeOf(inputShape) / C;
    this.inverseDeviation = new Float64Array(C);
    const tensor = (): Tensor => ({ shape: [C], data: zeroBuffer(C, dtype) });
    this.gamma = { name: `${name}.gamma`, value: tensor(), grad: tensor() };
    this.beta = { name: `${name}.beta`, value: tensor(), grad: tensor() };
    this.runningMean = { name: `${name}.runningMean`, value: tensor() };
    this.runningVariance = { name: `${name}.runningVariance`, value: tensor() };
    // Start as the identity: gamma 1 and beta 0, a standard normal for the running statistics.
    this.gamma.value.data.fill(1);
    this.runningVariance.value.data.fill(1);
  }

  // x is (N,C,H,W) or (N,D); channel c of sample n is the run of `spatial` values at (n*C + c)*spatial.
  forward(x: Tensor, train: boolean): Tensor {
    const N = checkInput(this.name, x, this.inputShape);
    const { channels: C, spatial: S, momentum } = this;
    const count = N * S;
    const data = x.data;
    const dtype = dtypeOf(data);
    const out = this.scratch.get('out', data.length, dtype);
    const normalized = this.scratch.get('normalized', data.length, dtype);
    const gamma = this.gamma.value.data;
    const beta = this.beta.value.data;
    const runningMean = this.runningMean.value.data;
    const runningVariance = this.runningVariance.value.data;
    for (let c = 0; c < C; c++) {
      let mean = runningMean[c];
      let variance = runningVariance[c];
      if (train) {
        let sum = 0;
        for (let n = 0; n < N; n++) for (let i = (n * C + c) * S, end = i + S; i < end; i++) sum += data[i];
        mean = sum / count;
        // Two passes (mean, then squared deviations) avoid the cancellation of E[x^2] - E[x]^2.
        let squares = 0;
        for (let n = 0; n < N; n++) {
          for (let i = (n * C + c) * S, end = i + S; i < end; i++) squares += (data[i] - mean) ** 2;
        }
        variance = squares / count;
        // The running variance averages the biased batch variance, as the book's implementation does
        // (PyTorch uses the unbiased one here).
        runningMean[c] = momentum * runningMean[c] + (1 - momentum) * mean;
        runningVariance[c] = momentum * runningVariance[c] + (1 - momentum) * variance;
      }
      const inverse = 1 / Math.sqrt(variance + this.epsilon);
      this.inverseDeviation[c] = inverse;
      for (let n = 0; n < N; n++) {
        for (let i = (n * C + c) * S, end = i + S; i < end; i++) {
          normalized[i] = (data[i] - mean) * inverse;
          out[i] = gamma[c] * normalized[i] + beta[c];
        }
      }
    }
    this.normalized = normalized;
    this.batch = N;
    this.training = train;
    return { shape: [...x.shape], data: out };
  }

  // After a training forward the mean and variance depend on every value of the batch, which gives
  // dx = gamma/std/M * (M*dout - dbeta - xhat*dgamma). After an evaluation forward they are constants,
  // so the exact gradient of what was computed is dx = dout*gamma/std with the running std.
  backward(dout: Tensor): Tensor | undefined {
    const xhat = this.normalized ?? noForward(this.name);
    const N = this.batch;
    checkGradient(this.name, dout, [N, ...this.inputShape]);
    const { channels: C, spatial: S } = this;
    const count = N * S;
    const g = dout.data;
    const gamma = this.gamma.value.data;
    const dgamma = this.gamma.grad.data;
    const dbeta = this.beta.grad.data;
    const dx = this.inputGradient ? this.scratch.get('dx', g.length, dtypeOf(g)) : undefined;
    for (let c = 0; c < C; c++) {
      // Sums stay in float64 locals: the gradient buffers may be float32, and dx reuses the sums.
      let shiftGradient = 0;
      let scaleGradient = 0;
      for (let n = 0; n < N; n++) {
        for (let i = (n * C + c) * S, end = i + S; i < end; i++) {
          shiftGradient += g[i];
          scaleGradient += g[i] * xhat[i];
        }
      }
      dbeta[c] = shiftGradient;
      dgamma[c] = scaleGradient;
      if (dx === undefined) continue;
      const coefficient = gamma[c] * this.inverseDeviation[c];
      for (let n = 0; n < N; n++) {
        for (let i = (n * C + c) * S, end = i + S; i < end; i++) {
          dx[i] = this.training
            ? coefficient * (g[i] - (shiftGradient + xhat[i] * scaleGradient) / count)
            : coefficient * g[i];
        }
      }
    }
    return dx === undefined ? undefined : { shape: [N, ...this.inputShape], data: dx };
  }

  params(): Param[] {
    return [this.gamma, this.beta];
  }

  state(): StateTensor[] {
    return [this.runningMean, this.runningVariance];
  }

  spec(): BatchNormSpec {
    return { ...this.config };
  }
}
