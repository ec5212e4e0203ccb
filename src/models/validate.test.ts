import { describe, expect, it } from 'vitest';
import { CnnError } from '../errors.js';
import { presets, simpleConvNet } from './presets.js';
import { buildNetwork, validateModelSpec } from './validate.js';

function rejects(value: unknown, pattern: RegExp): void {
  let caught: unknown;
  try {
    buildNetwork(value as never, 'params.json');
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(CnnError);
  expect((caught as Error).message).toMatch(/^params\.json: /);
  expect((caught as Error).message).toMatch(pattern);
}

function withLayer(index: number, layer: unknown): unknown {
  const model = simpleConvNet();
  const layers: unknown[] = [...model.layers];
  layers[index] = layer;
  return { ...model, layers };
}

describe('validateModelSpec', () => {
  it('accepts the simple preset and returns an equal copy', () => {
    const model = presets.simple.model();
    const checked = validateModelSpec(JSON.parse(JSON.stringify(model)), 'params.json');
    expect(checked).toEqual(model);
    expect(checked.input).not.toBe(model.input);
  });

  it('the book\'s names relu and sigmoid give He and Xavier scales', () => {
    const scales = (weightInit: string) => {
      const network = buildNetwork({ input: [200], layers: [{ type: 'affine', units: 300, weightInit }] } as never, 'm.json', { seed: 2 });
      const weights = network.params()[0].value.data;
      return Math.sqrt(Array.from(weights).reduce((sum, w) => sum + w * w, 0) / weights.length);
    };
    expect(scales('relu')).toBe(scales('he'));
    expect(scales('sigmoid')).toBe(scales('xavier'));
    expect(scales('he')).toBeCloseTo(Math.sqrt(2 / 200), 3);
    expect(scales('xavier')).toBeCloseTo(Math.sqrt(1 / 200), 3);
  });

  it('accepts he, xavier and absent optional fields', () => {
    const model = {
      input: [1, 8, 8],
      layers: [{ type: 'convolution', filters: 2, size: 3, weightInit: 'he' }, { type: 'sigmoid' }, { type: 'pooling', size: 2 }, { type: 'affine', units: 3, weightInit: 'xavier' }],
    };
    expect(validateModelSpec(model, 'm.json')).toEqual(model);
    expect(buildNetwork(model as never, 'm.json').classes).toBe(3);
  });

  it.each([
    ['not an object', [1, 2], /model must be an object/],
    ['unknown model key', { ...simpleConvNet(), name: 'x' }, /model: unknown key "name"/],
    ['missing input', { layers: [] }, /input must be .* got nothing/],
    ['zero input dimension', { ...simpleConvNet(), input: [1, 0, 28] }, /input must be .* got \[1,0,28\]/],
    ['fractional input dimension', { ...simpleConvNet(), input: [1, 2.5, 28] }, /input must be/],
    ['huge input dimension', { ...simpleConvNet(), input: [1, 5000, 28] }, /input must be/],
    ['too many input values', { ...simpleConvNet(), input: [4096, 4096, 2] }, /more than 16777216/],
    ['layers not an array', { input: [1, 28, 28], layers: {} }, /layers must be an array/],
  ])('rejects %s', (_case, value, pattern) => rejects(value, pattern));

  it.each([
    ['negative units', 3, { type: 'affine', units: -1 }, /layer 3 \(affine\): units must be a positive integer, got -1$/],
    ['fractional units', 3, { type: 'affine', units: 1.5 }, /layer 3 \(affine\): units must be a positive integer, got 1.5/],
    ['string units', 3, { type: 'affine', units: '100' }, /units must be a positive integer, got "100"/],
    ['missing units', 3, { type: 'affine' }, /layer 3 \(affine\): units is required/],
    ['huge units', 3, { type: 'affine', units: 100000 }, /units must be at most 65536, got 100000/],
    ['zero filters', 0, { type: 'convolution', filters: 0, size: 5 }, /layer 0 \(convolution\): filters must be a positive integer, got 0/],
    ['missing size', 0, { type: 'convolution', filters: 3 }, /layer 0 \(convolution\): size is required/],
    ['huge size', 0, { type: 'convolution', filters: 3, size: 2000 }, /size must be at most 1024/],
    ['zero stride', 0, { type: 'convolution', filters: 3, size: 5, stride: 0 }, /stride must be a positive integer, got 0/],
    ['negative pad', 0, { type: 'convolution', filters: 3, size: 5, pad: -1 }, /pad must be a non-negative integer, got -1/],
    ['zero weightInit', 0, { type: 'convolution', filters: 3, size: 5, weightInit: 0 }, /weightInit must be .* got 0/],
    ['unknown weightInit', 3, { type: 'affine', units: 10, weightInit: 'lecun' }, /weightInit must be .* got "lecun"/],
    ['null weightInit', 3, { type: 'affine', units: 10, weightInit: null }, /weightInit must be .* got null/],
    ['pooling null size', 2, { type: 'pooling', size: null }, /layer 2 \(pooling\): size must be a positive integer, got null/],
    ['unknown type', 1, { type: 'maxout' }, /layer 1: unknown layer type "maxout" \(known: convolution, pooling/],
    ['unknown pooling mode', 2, { type: 'pooling', size: 2, mode: 'median' }, /layer 2 \(pooling\): mode must be "max" or "average", got "median"/],
    ['even LRN size', 1, { type: 'lrn', size: 4 }, /layer 1 \(lrn\): size must be odd, so the window centres on its channel, got 4/],
    ['zero LRN k', 1, { type: 'lrn', k: 0 }, /layer 1 \(lrn\): k must be a number in \(0, infinity\), got 0/],
    ['negative LRN alpha', 1, { type: 'lrn', alpha: -1 }, /alpha must be a number in \[0, infinity\), got -1/],
    ['dropout rate 1', 4, { type: 'dropout', rate: 1 }, /layer 4 \(dropout\): rate must be a number in \[0, 1\), got 1/],
    ['dropout rate as text', 4, { type: 'dropout', rate: '0.5' }, /rate must be a number in \[0, 1\), got "0.5"/],
    ['batchnorm momentum 1', 1, { type: 'batchnorm', momentum: 1 }, /layer 1 \(batchnorm\): momentum must be a number in \[0, 1\), got 1/],
    ['batchnorm epsilon 0', 1, { type: 'batchnorm', epsilon: 0 }, /epsilon must be a number in \(0, infinity\), got 0/],
    ['missing type', 1, {}, /layer 1: unknown layer type nothing/],
    ['layer not an object', 1, 'relu', /layer 1: must be an object/],
    ['unknown key', 1, { type: 'relu', slope: 0.1 }, /layer 1 \(relu\): unknown key "slope"/],
    ['weightInit on pooling', 2, { type: 'pooling', size: 2, weightInit: 0.01 }, /layer 2 \(pooling\): unknown key "weightInit"/],
  ])('rejects %s', (_case, index, layer, pattern) => rejects(withLayer(index, layer), pattern));

  it('refuses a layer whose output would not fit in memory, though its weights are few', () => {
    const model = { input: [1, 28, 28], layers: [{ type: 'convolution', filters: 4096, size: 1, pad: 1000 }, { type: 'pooling', size: 1014 }, { type: 'affine', units: 10 }] };
    rejects(model, /layer 0 outputs 16845963264 values per image \(\[4096,2028,2028\]\), more than 16777216/);
  });

  it('refuses a model whose weights would not fit in memory', () => {
    const model = { input: [1, 1024, 1024], layers: [{ type: 'affine', units: 65536 }] };
    rejects(model, /model has \d+ parameters, more than 67108864/);
  });
});

describe('buildNetwork', () => {
  it('builds the validated model', () => {
    const network = buildNetwork(simpleConvNet({ input: [1, 10, 10], filters: 4, filterSize: 3, hidden: 8 }), 'x');
    expect(network.params().map((param) => param.name)).toEqual(['conv1.W', 'conv1.b', 'affine1.W', 'affine1.b', 'affine2.W', 'affine2.b']);
  });

  it('x=[1,3,3] conv 5x5: names the layer that does not fit', () => {
    rejects({ input: [1, 3, 3], layers: [{ type: 'convolution', filters: 2, size: 5 }, { type: 'affine', units: 2 }] }, /layer 0: conv1 \(height\): filter 5 is larger than input 3/);
  });

  it('x=[1,4,4] pool 3x3 stride 2: output size is not an integer', () => {
    rejects({ input: [1, 4, 4], layers: [{ type: 'pooling', size: 3, stride: 2 }, { type: 'affine', units: 2 }] }, /layer 0: pool1 \(height\): .* is not an integer/);
  });

  it('convolution on a flat input', () => {
    rejects({ input: [784], layers: [{ type: 'convolution', filters: 2, size: 3 }] }, /layer 0: conv1: convolution needs a \[C,H,W\] input/);
  });

  it('a last layer that does not give class scores', () => {
    rejects({ input: [1, 4, 4], layers: [{ type: 'relu' }] }, /the last layer must output class scores/);
  });
});
