import { describe, expect, it } from 'vitest';
import { checkLayerGradient } from '../../test/helpers/gradient-check.js';
import { firstMismatch, randomArray } from '../../test/helpers/compare.js';
import { kernels } from '../kernels/backend.js';
import { conv2dDirect } from '../kernels/conv-direct.js';
import { Random } from '../tensor/random.js';
import { Affine } from './affine.js';
import { Relu, Sigmoid } from './activations.js';
import { Convolution } from './convolution.js';
import { createLayer } from './create.js';
import type { Layer, LayerSpec } from './layer.js';
import { Pooling } from './pooling.js';

function build(spec: LayerSpec, inputShape: number[], dtype: 'float32' | 'float64' = 'float64'): Layer {
  return createLayer(spec, { name: 'layer', inputShape, dtype, random: new Random(2) });
}

function expectGradientsMatch(layer: Layer, batch: number): void {
  const report = checkLayerGradient(layer, batch);
  for (const [name, error] of Object.entries(report.errors)) {
    expect(error, `${name} relative error`).toBeLessThan(1e-6);
  }
  expect(report.doutUnchanged, 'dout left untouched').toBe(true);
}

describe('backward agrees with the numerical gradient (float64)', () => {
  const convolutions: [number[], number, number, number, number][] = [
    [[1, 5, 5], 2, 3, 1, 0],
    [[2, 6, 6], 3, 3, 1, 1],
    [[3, 7, 7], 2, 3, 2, 0],
    [[2, 7, 7], 2, 3, 2, 2],
    [[2, 8, 8], 3, 2, 2, 0],
    [[1, 9, 9], 2, 5, 1, 2],
    [[2, 10, 10], 2, 4, 3, 0],
  ];
  for (const [input, filters, size, stride, pad] of convolutions) {
    it(`convolution x=[${input}] filters=${filters} size=${size} s=${stride} p=${pad}`, () => {
      expectGradientsMatch(build({ type: 'convolution', filters, size, stride, pad, weightInit: 0.5 }, input), 2);
    });
  }
  const pools: [number[], number, number, number][] = [
    [[2, 4, 4], 2, 2, 0],
    [[1, 5, 5], 3, 1, 0],
    [[2, 7, 7], 3, 2, 1],
    [[1, 6, 6], 2, 1, 1],
  ];
  for (const [input, size, stride, pad] of pools) {
    it(`max pooling x=[${input}] size=${size} s=${stride} p=${pad}`, () => {
      expectGradientsMatch(build({ type: 'pooling', size, stride, pad }, input), 3);
    });
  }
  it('affine on a 4D input restores its shape', () => {
    const layer = build({ type: 'affine', units: 4, weightInit: 0.5 }, [2, 3, 3]);
    expectGradientsMatch(layer, 3);
    const dx = layer.backward({ shape: [3, 4], data: new Float64Array(12) });
    expect(dx?.shape).toEqual([3, 2, 3, 3]);
  });
  it('affine on a flat input', () => expectGradientsMatch(build({ type: 'affine', units: 5, weightInit: 0.5 }, [7]), 4));
  it('relu', () => expectGradientsMatch(build({ type: 'relu' }, [3, 4]), 2));
  it('sigmoid', () => expectGradientsMatch(build({ type: 'sigmoid' }, [6]), 3));
  it('tanh', () => expectGradientsMatch(build({ type: 'tanh' }, [2, 3, 3]), 2));
  const averagePools: [number[], number, number, number][] = [
    [[2, 4, 4], 2, 2, 0],
    [[1, 5, 5], 3, 1, 0],
    [[2, 7, 7], 3, 2, 1],
    [[1, 6, 6], 2, 1, 1],
  ];
  for (const [input, size, stride, pad] of averagePools) {
    it(`average pooling x=[${input}] size=${size} s=${stride} p=${pad}`, () => {
      expectGradientsMatch(build({ type: 'pooling', size, stride, pad, mode: 'average' }, input), 3);
    });
  }
  it('dropout, with the same mask in every evaluation', () => {
    const noise = new Random(4);
    const start = noise.state();
    const dropout = createLayer({ type: 'dropout', rate: 0.3 }, { name: 'dropout', inputShape: [4, 5], dtype: 'float64', random: null, noise });
    // The checker calls forward many times; rewinding the noise first gives each call the same mask.
    const rewound: Layer = Object.assign(Object.create(dropout) as Layer, {
      forward: (x: Parameters<Layer['forward']>[0], train: boolean) => {
        noise.setState(start);
        return dropout.forward(x, train);
      },
    });
    expectGradientsMatch(rewound, 3);
  });
});

describe('layers', () => {
  it('convolution forward (im2col + product) equals the direct convolution in float32', () => {
    const random = new Random(9);
    const layer = build({ type: 'convolution', filters: 5, size: 3, stride: 2, pad: 1, weightInit: 1 }, [3, 9, 9], 'float32') as Convolution;
    const x = randomArray(2 * 3 * 9 * 9, random, Float32Array);
    const out = layer.forward({ shape: [2, 3, 9, 9], data: x });
    const [W, b] = layer.params().map((p) => p.value.data);
    const direct = new Float32Array(out.data.length);
    conv2dDirect(x, W, b, 5, { N: 2, C: 3, H: 9, W: 9, KH: 3, KW: 3, stride: 2, pad: 1, OH: 5, OW: 5 }, direct);
    expect(out.shape).toEqual([2, 5, 5, 5]);
    expect(firstMismatch(out.data, direct, 1e-5, 1e-5)).toBeUndefined();
  });

  it('a first layer skips its input gradient but still fills its weight gradients', () => {
    const layer = build({ type: 'convolution', filters: 2, size: 3, weightInit: 1 }, [1, 5, 5]);
    layer.inputGradient = false;
    const x = { shape: [1, 1, 5, 5], data: new Float64Array(25).fill(1) };
    layer.forward(x, true);
    expect(layer.backward({ shape: [1, 2, 3, 3], data: new Float64Array(18).fill(1) })).toBeUndefined();
    expect(Array.from(layer.params()[0].grad.data).every((g) => g === 9)).toBe(true);
    expect(Array.from(layer.params()[1].grad.data)).toEqual([9, 9]);
  });

  it('max pooling picks the window maximum and routes the gradient to it', () => {
    const layer = new Pooling({ type: 'pooling', size: 2, stride: 2 }, { name: 'pool', inputShape: [1, 2, 4], dtype: 'float64', random: new Random(1) });
    const out = layer.forward({ shape: [1, 1, 2, 4], data: new Float64Array([1, 5, 2, 0, 3, 4, 7, 6]) });
    expect(Array.from(out.data)).toEqual([5, 7]);
    const dx = layer.backward({ shape: [1, 1, 1, 2], data: new Float64Array([10, 20]) });
    expect(Array.from(dx!.data)).toEqual([0, 10, 0, 0, 0, 0, 20, 0]);
  });

  it('pooling output size honours stride and pad', () => {
    const layer = build({ type: 'pooling', size: 3, stride: 2, pad: 1 }, [4, 7, 7]);
    expect(layer.outputShape).toEqual([4, 4, 4]);
  });

  it('relu and sigmoid compute the textbook values', () => {
    const context = { name: 'act', inputShape: [4], dtype: 'float64' as const, random: new Random(1) };
    const x = { shape: [1, 4], data: new Float64Array([-2, -0.5, 0, 3]) };
    expect(Array.from(new Relu(context).forward(x).data)).toEqual([0, 0, 0, 3]);
    const y = new Sigmoid(context).forward(x).data;
    expect(y[2]).toBe(0.5);
    expect(y[3]).toBeCloseTo(1 / (1 + Math.exp(-3)), 15);
  });

  it('average pooling takes the window mean, padding counted as zeros, and spreads the gradient evenly', () => {
    const layer = build({ type: 'pooling', size: 2, stride: 2, pad: 1, mode: 'average' }, [1, 2, 2]);
    const out = layer.forward({ shape: [1, 1, 2, 2], data: new Float64Array([4, 8, 12, 16]) }, false);
    expect(Array.from(out.data)).toEqual([1, 2, 3, 4]);
    const dx = layer.backward({ shape: [1, 1, 2, 2], data: new Float64Array([4, 8, 12, 16]) });
    expect(Array.from(dx!.data)).toEqual([1, 2, 3, 4]);
    const plain = build({ type: 'pooling', size: 2, mode: 'average' }, [1, 2, 4]);
    expect(Array.from(plain.forward({ shape: [1, 1, 2, 4], data: new Float64Array([1, 5, 2, 0, 3, 4, 7, 6]) }, false).data)).toEqual([3.25, 3.75]);
  });

  it('tanh computes the textbook values', () => {
    const y = build({ type: 'tanh' }, [3]).forward({ shape: [1, 3], data: new Float64Array([-1, 0, 2]) }, false).data;
    expect(Array.from(y)).toEqual([Math.tanh(-1), 0, Math.tanh(2)]);
  });

  it('dropout zeroes about rate of the values in training, scales the rest, and is the identity in evaluation', () => {
    const layer = createLayer({ type: 'dropout', rate: 0.25 }, { name: 'dropout', inputShape: [10000], dtype: 'float32', random: null, noise: new Random(3) });
    const x = { shape: [1, 10000], data: new Float32Array(10000).fill(3) };
    const trained = Array.from(layer.forward(x, true).data);
    const dropped = trained.filter((value) => value === 0).length;
    expect(dropped).toBeGreaterThan(2300);
    expect(dropped).toBeLessThan(2700);
    expect(trained.every((value) => value === 0 || value === 4)).toBe(true);
    const dx = layer.backward({ shape: [1, 10000], data: new Float32Array(10000).fill(1) })!.data;
    expect(Array.from(dx).every((g, i) => (trained[i] === 0 ? g === 0 : Math.abs(g - 4 / 3) < 1e-6))).toBe(true);
    expect(Array.from(layer.forward(x, false).data).every((value) => value === 3)).toBe(true);
  });

  it('dropout masks repeat exactly from the same noise state and differ from another', () => {
    const masks = (seed: number) => {
      const layer = createLayer({ type: 'dropout' }, { name: 'dropout', inputShape: [64], dtype: 'float32', random: null, noise: new Random(seed) });
      return Array.from(layer.forward({ shape: [1, 64], data: new Float32Array(64).fill(1) }, true).data);
    };
    expect(masks(5)).toEqual(masks(5));
    expect(masks(5)).not.toEqual(masks(6));
  });

  it('a geometry that does not divide names the layer and the numbers', () => {
    expect(() => build({ type: 'convolution', filters: 2, size: 3, stride: 2 }, [1, 6, 6])).toThrow(
      /layer \(height\): output size \(6 \+ 2\*0 - 3\) \/ 2 \+ 1 = 2\.5 is not an integer/,
    );
  });

  it('rejects an input of the wrong shape with a message naming both shapes', () => {
    const layer = new Affine({ type: 'affine', units: 3 }, { name: 'affine1', inputShape: [4], dtype: 'float32', random: new Random(1) });
    expect(() => layer.forward({ shape: [2, 5], data: new Float32Array(10) })).toThrow('affine1: input must be [N,4], got [2,5]');
  });
});

describe('Affine backward leaves out the units shut for the whole batch, with the same numbers', () => {
  // x (N,D) and dout (N,U) with some columns of dout all zero (ReLU shut those units for every image):
  // the layer's gradients must equal the full products computed here, bit for bit.
  for (const dtype of ['float32', 'float64'] as const) {
    // 30 shut (the compact path), 5 (too few to be worth it: the full products), none, and all.
    const every = (step: number) => Array.from({ length: Math.ceil(100 / step) }, (_, i) => i * step);
    for (const shut of [[...every(4), 1, 2, 5, 97, 98], [1, 4, 5, 30, 99], [], every(1)]) {
      it(`${dtype}, ${shut.length} of 100 units shut`, () => {
        const [N, D, U] = [7, 50, 100];
        const layer = new Affine({ type: 'affine', units: U }, { name: 'affine1', inputShape: [D], dtype, random: new Random(3) });
        const random = new Random(4);
        const x = kernels().allocate(N * D, dtype);
        x.set(randomArray(N * D, random));
        const dout = kernels().allocate(N * U, dtype);
        dout.set(randomArray(N * U, random));
        for (const u of shut) for (let n = 0; n < N; n++) dout[n * U + u] = 0;
        layer.forward({ shape: [N, D], data: x });
        const dx = layer.backward({ shape: [N, U], data: dout })!.data;
        const [weights, bias] = layer.params();
        const expectedGrad = kernels().allocate(D * U, dtype);
        kernels().gemm({ transA: true, transB: false, M: D, N: U, K: N, A: x, B: dout, C: expectedGrad, accumulate: false });
        const expectedDx = kernels().allocate(N * D, dtype);
        kernels().gemm({ transA: false, transB: true, M: N, N: D, K: U, A: dout, B: weights.value.data, C: expectedDx, accumulate: false });
        expect(firstMismatch(weights.grad.data, expectedGrad, 0, 0)).toBeUndefined();
        expect(firstMismatch(dx, expectedDx, 0, 0)).toBeUndefined();
        for (const u of shut) expect(bias.grad.data[u]).toBe(0);
        expect(shut.every((u) => Array.from({ length: D }, (_, d) => weights.grad.data[d * U + u]).every((value) => value === 0))).toBe(true);
      });
    }
  }
});
