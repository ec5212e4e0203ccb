import { describe, expect, it } from 'vitest';
import { checkLayerGradient } from '../../test/helpers/gradient-check.js';
import { randomArray } from '../../test/helpers/compare.js';
import { Random } from '../tensor/random.js';
import type { Layer, LayerContext } from './layer.js';
import { BatchNormalization, LocalResponseNormalization } from './normalization.js';

function context(name: string, inputShape: number[], dtype: 'float32' | 'float64' = 'float64'): LayerContext {
  return { name, inputShape, dtype, random: new Random(2) };
}

function expectGradientsMatch(layer: Layer, batch: number): void {
  const report = checkLayerGradient(layer, batch);
  expect(Object.keys(report.errors)).toContain('x');
  for (const [name, error] of Object.entries(report.errors)) {
    expect(error, `${name} relative error`).toBeLessThan(1e-6);
  }
  expect(report.doutUnchanged, 'dout left untouched').toBe(true);
}

/** Per channel mean and biased variance of an (N,C,S) array. */
function channelStatistics(data: ArrayLike<number>, N: number, C: number, S: number): { mean: number[]; variance: number[] } {
  const mean: number[] = [];
  const variance: number[] = [];
  for (let c = 0; c < C; c++) {
    const values: number[] = [];
    for (let n = 0; n < N; n++) for (let s = 0; s < S; s++) values.push(data[(n * C + c) * S + s]);
    const m = values.reduce((a, b) => a + b, 0) / values.length;
    mean.push(m);
    variance.push(values.reduce((a, b) => a + (b - m) ** 2, 0) / values.length);
  }
  return { mean, variance };
}

describe('local response normalization', () => {
  it('gradient matches at [7,3,3] with size 5 and strong normalization', () => {
    const spec = { type: 'lrn' as const, size: 5, k: 1, alpha: 0.5, beta: 0.75 };
    expectGradientsMatch(new LocalResponseNormalization(spec, context('lrn', [7, 3, 3])), 2);
  });

  it('gradient matches at [4,2,2] with size 3', () => {
    const spec = { type: 'lrn' as const, size: 3, k: 1, alpha: 0.5, beta: 0.75 };
    expectGradientsMatch(new LocalResponseNormalization(spec, context('lrn', [4, 2, 2])), 3);
  });

  it('gradient matches with a beta other than AlexNet\'s 0.75 (the pow path)', () => {
    const spec = { type: 'lrn' as const, size: 3, k: 0.5, alpha: 0.8, beta: 0.6 };
    expectGradientsMatch(new LocalResponseNormalization(spec, context('lrn', [5, 2, 3])), 2);
  });

  it('gradient matches with the defaults', () => {
    expectGradientsMatch(new LocalResponseNormalization({ type: 'lrn' }, context('lrn', [6, 2, 2])), 2);
  });

  it('computes the AlexNet formula by hand, the window clipped at the edges and alpha not divided by size', () => {
    const layer = new LocalResponseNormalization({ type: 'lrn', size: 3, k: 1, alpha: 0.5, beta: 0.75 }, context('lrn', [3, 1, 1]));
    const out = layer.forward({ shape: [1, 3, 1, 1], data: new Float64Array([1, 2, 3]) });
    // s0 = 1 + 0.5*(1+4), s1 = 1 + 0.5*(1+4+9), s2 = 1 + 0.5*(4+9)
    const expected = [1 / 3.5 ** 0.75, 2 / 8 ** 0.75, 3 / 7.5 ** 0.75];
    expect(out.shape).toEqual([1, 3, 1, 1]);
    out.data.forEach((value, i) => expect(value).toBeCloseTo(expected[i], 14));
  });

  it('normalises each pixel over its own channels only', () => {
    const layer = new LocalResponseNormalization({ type: 'lrn', size: 5, k: 2, alpha: 0.1, beta: 0.5 }, context('lrn', [2, 1, 2]));
    // Channel 0 holds pixels (1, 3), channel 1 holds (2, 0); sample 2 is all zeros.
    const out = layer.forward({ shape: [2, 2, 1, 2], data: new Float64Array([1, 3, 2, 0, 0, 0, 0, 0]) });
    const left = 2 + 0.1 * (1 + 4);
    const right = 2 + 0.1 * (9 + 0);
    const expected = [1 / Math.sqrt(left), 3 / Math.sqrt(right), 2 / Math.sqrt(left), 0, 0, 0, 0, 0];
    out.data.forEach((value, i) => expect(value).toBeCloseTo(expected[i], 14));
  });

  it('follows the input dtype, skips dx when asked, and returns its spec as given', () => {
    const layer = new LocalResponseNormalization({ type: 'lrn', size: 3 }, context('lrn', [3, 2, 2], 'float64'));
    const out = layer.forward({ shape: [1, 3, 2, 2], data: new Float32Array(12).fill(1) });
    expect(out.data).toBeInstanceOf(Float32Array);
    layer.inputGradient = false;
    expect(layer.backward({ shape: [1, 3, 2, 2], data: new Float32Array(12) })).toBeUndefined();
    expect(layer.params()).toEqual([]);
    expect(layer.spec()).toEqual({ type: 'lrn', size: 3 });
  });

  it('rejects a flat input, an even or empty window, and backward before forward', () => {
    expect(() => new LocalResponseNormalization({ type: 'lrn' }, context('norm1', [10]))).toThrow(/norm1: .*\[C,H,W\]/);
    expect(() => new LocalResponseNormalization({ type: 'lrn', size: 4 }, context('norm1', [6, 2, 2]))).toThrow(RangeError);
    expect(() => new LocalResponseNormalization({ type: 'lrn', size: 0 }, context('norm1', [6, 2, 2]))).toThrow(/norm1: size/);
    const layer = new LocalResponseNormalization({ type: 'lrn' }, context('norm1', [6, 2, 2]));
    expect(() => layer.backward({ shape: [1, 6, 2, 2], data: new Float64Array(24) })).toThrow('norm1: backward called before forward');
  });
});

describe('batch normalization', () => {
  /** A layer whose gamma and beta are not the identity, so their part in dx is exercised. */
  function scrambled(inputShape: number[]): BatchNormalization {
    const layer = new BatchNormalization({ type: 'batchnorm' }, context('bn', inputShape));
    const random = new Random(7);
    for (const param of layer.params()) param.value.data.set(randomArray(param.value.data.length, random));
    return layer;
  }

  it('gradient matches on a [3,4,4] input', () => expectGradientsMatch(scrambled([3, 4, 4]), 3));
  it('gradient matches on a [6] input', () => expectGradientsMatch(scrambled([6]), 4));

  it('names its parameters and state, shaped per channel', () => {
    const layer = new BatchNormalization({ type: 'batchnorm' }, context('bn1', [3, 4, 4]));
    expect(layer.params().map((p) => [p.name, p.value.shape, Array.from(p.value.data)])).toEqual([
      ['bn1.gamma', [3], [1, 1, 1]],
      ['bn1.beta', [3], [0, 0, 0]],
    ]);
    expect(layer.state().map((s) => [s.name, s.value.shape, Array.from(s.value.data)])).toEqual([
      ['bn1.runningMean', [3], [0, 0, 0]],
      ['bn1.runningVariance', [3], [1, 1, 1]],
    ]);
    expect(layer.outputShape).toEqual([3, 4, 4]);
  });

  it('training output has mean 0 and variance 1 per channel, and one step moves the running statistics by 10%', () => {
    const [N, C, S] = [4, 3, 6];
    const layer = new BatchNormalization({ type: 'batchnorm' }, context('bn', [C, 2, 3]));
    const random = new Random(3);
    const x = randomArray(N * C * S, random);
    // Give each channel its own offset and spread, so per-channel statistics differ from pooled ones.
    for (let i = 0; i < x.length; i++) {
      const c = Math.floor(i / S) % C;
      x[i] = x[i] * (c + 1) + 5 * c;
    }
    const batch = channelStatistics(x, N, C, S);
    const out = layer.forward({ shape: [N, C, 2, 3], data: x }, true);
    const result = channelStatistics(out.data, N, C, S);
    for (let c = 0; c < C; c++) {
      expect(result.mean[c]).toBeCloseTo(0, 12);
      expect(result.variance[c]).toBeCloseTo(batch.variance[c] / (batch.variance[c] + 1e-5), 12);
      expect(result.variance[c]).toBeCloseTo(1, 4);
    }
    const [runningMean, runningVariance] = layer.state().map((s) => s.value.data);
    for (let c = 0; c < C; c++) {
      expect(runningMean[c]).toBeCloseTo(0.1 * batch.mean[c], 12);
      expect(runningVariance[c]).toBeCloseTo(0.9 + 0.1 * batch.variance[c], 12);
    }
  });

  it('a flat input is normalised per feature over the batch', () => {
    const layer = new BatchNormalization({ type: 'batchnorm', epsilon: 1e-12 }, context('bn', [2]));
    const out = layer.forward({ shape: [3, 2], data: new Float64Array([1, 10, 2, 20, 3, 60]) }, true);
    // Feature 0: 1, 2, 3 have mean 2 and variance 2/3; feature 1: 10, 20, 60 have mean 30 and variance 1400/3.
    const first = Math.sqrt(2 / 3);
    const second = Math.sqrt(1400 / 3);
    const expected = [-1 / first, -20 / second, 0, -10 / second, 1 / first, 30 / second];
    out.data.forEach((value, i) => expect(value).toBeCloseTo(expected[i], 10));
  });

  it('evaluation uses the running statistics, leaves them alone, and backward passes dout*gamma/std', () => {
    const layer = new BatchNormalization({ type: 'batchnorm', epsilon: 1e-5 }, context('bn', [2, 1, 2]));
    const [gamma, beta] = layer.params().map((p) => p.value.data);
    const [runningMean, runningVariance] = layer.state().map((s) => s.value.data);
    gamma.set([2, -1]);
    beta.set([0.5, 3]);
    runningMean.set([1, -2]);
    runningVariance.set([4, 0.25]);
    const x = new Float64Array([1, 3, -2, 0, 5, -1, 2, -4]);
    const out = layer.forward({ shape: [2, 2, 1, 2], data: x }, false);
    const std = [Math.sqrt(4 + 1e-5), Math.sqrt(0.25 + 1e-5)];
    const channel = (i: number): number => Math.floor(i / 2) % 2;
    const expected = Array.from(x, (v, i) => {
      const c = channel(i);
      return gamma[c] * ((v - runningMean[c]) / std[c]) + beta[c];
    });
    out.data.forEach((value, i) => expect(value).toBeCloseTo(expected[i], 12));
    expect(Array.from(runningMean)).toEqual([1, -2]);
    expect(Array.from(runningVariance)).toEqual([4, 0.25]);

    const dout = new Float64Array([1, -1, 2, 0.5, 3, 1, -2, 4]);
    const dx = layer.backward({ shape: [2, 2, 1, 2], data: dout })!;
    dx.data.forEach((value, i) => expect(value).toBeCloseTo((dout[i] * gamma[channel(i)]) / std[channel(i)], 12));
    const [dgamma, dbeta] = layer.params().map((p) => p.grad.data);
    expect(dbeta[0]).toBeCloseTo(1 - 1 + 3 + 1, 12);
    expect(dbeta[1]).toBeCloseTo(2 + 0.5 - 2 + 4, 12);
    const xhat = Array.from(x, (v, i) => (v - runningMean[channel(i)]) / std[channel(i)]);
    expect(dgamma[0]).toBeCloseTo(dout[0] * xhat[0] + dout[1] * xhat[1] + dout[4] * xhat[4] + dout[5] * xhat[5], 12);
    expect(dgamma[1]).toBeCloseTo(dout[2] * xhat[2] + dout[3] * xhat[3] + dout[6] * xhat[6] + dout[7] * xhat[7], 12);
  });

  it('without an input gradient backward returns undefined but fills dgamma and dbeta', () => {
    const layer = new BatchNormalization({ type: 'batchnorm' }, context('bn', [2]));
    layer.inputGradient = false;
    const out = layer.forward({ shape: [3, 2], data: new Float64Array([1, 4, 2, 5, 6, 9]) }, true);
    const xhat = Float64Array.from(out.data);
    const dout = new Float64Array([1, 2, 3, 4, 5, 6]);
    expect(layer.backward({ shape: [3, 2], data: dout })).toBeUndefined();
    const [dgamma, dbeta] = layer.params().map((p) => Array.from(p.grad.data));
    expect(dbeta).toEqual([9, 12]);
    expect(dgamma[0]).toBeCloseTo(1 * xhat[0] + 3 * xhat[2] + 5 * xhat[4], 12);
    expect(dgamma[1]).toBeCloseTo(2 * xhat[1] + 4 * xhat[3] + 6 * xhat[5], 12);
  });

  it('parameters take the context dtype and buffers the input dtype', () => {
    const layer = new BatchNormalization({ type: 'batchnorm', momentum: 0.5 }, context('bn', [2], 'float32'));
    for (const p of layer.params()) expect(p.value.data).toBeInstanceOf(Float32Array);
    for (const s of layer.state()) expect(s.value.data).toBeInstanceOf(Float32Array);
    const out = layer.forward({ shape: [2, 2], data: new Float64Array([0, 1, 2, 3]) }, true);
    expect(out.data).toBeInstanceOf(Float64Array);
    expect(Array.from(layer.state()[0].value.data)).toEqual([0.5, 1]);
    expect(layer.spec()).toEqual({ type: 'batchnorm', momentum: 0.5 });
  });

  it('rejects bad settings and shapes with messages naming the layer', () => {
    const make = (spec: object, shape: number[] = [3]) => () =>
      new BatchNormalization({ type: 'batchnorm', ...spec }, context('bn2', shape));
    expect(make({ momentum: 1 })).toThrow(/bn2: momentum/);
    expect(make({ momentum: -0.1 })).toThrow(RangeError);
    expect(make({ momentum: Number.NaN })).toThrow(RangeError);
    expect(make({ epsilon: 0 })).toThrow(/bn2: epsilon/);
    expect(make({}, [3, 4])).toThrow(/bn2: .*\[C,H,W\] or \[D\]/);
    expect(make({ momentum: 0 })).not.toThrow();
    const layer = make({})();
    expect(() => layer.backward({ shape: [2, 3], data: new Float64Array(6) })).toThrow('bn2: backward called before forward');
    expect(() => layer.forward({ shape: [2, 4], data: new Float64Array(8) }, true)).toThrow('bn2: input must be [N,3], got [2,4]');
  });
});
