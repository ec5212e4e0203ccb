// One ONNX node at a time into our layers, with the defaults of every opset from 9 on (ONNX's
// Operators.md). What has no layer here, or a layer only for other settings, is refused with the
// reason; the caller adds the file and the node's name.

import type { LayerSpec } from '../../layers/layer.js';
import { convOutSize, GeometryError } from '../../tensor/geometry.js';
import { fail, float, floats, integer, ints, ones, shortestDecimal, type NodeView } from './node-view.js';
import type { TensorProto } from './schema.js';
import { readIntegerTensor, type FloatValues } from './tensors.js';

export interface ImportedLayer {
  spec: LayerSpec;
  /** By the suffix of our tensor names: W, b, gamma, beta, runningMean, runningVariance. */
  tensors: Record<string, FloatValues>;
  /** An affine layer from MatMul, whose bias the next Add may still bring. */
  awaitsBias?: boolean;
  /** The node it came from, for messages: node "fc1" (Gemm). */
  node?: string;
}

export interface Chain {
  /** One sample's shape as our layers see it: [C,H,W] or [D]. */
  shape: number[];
  /** The ONNX value is [N,D] while our shape may still be [C,H,W]: an affine layer reads it flat anyway. */
  flat: boolean;
  layers: ImportedLayer[];
  /** A final Softmax or LogSoftmax, which cnn applies itself. */
  ending?: string;
  /** The graph input's batch size, when the file fixes one. */
  batch?: number;
  /** Zeros a Pad node put around each image, for the convolution or average pooling after it. */
  pendingPad?: number;
}

type Handler = (view: NodeView, chain: Chain) => void;

export const operators: Record<string, Handler> = {
  Conv: convolution,
  MaxPool: (view, chain) => pooling(view, chain, 'max'),
  AveragePool: (view, chain) => pooling(view, chain, 'average'),
  Relu: (_, chain) => elementwise(chain, { type: 'relu' }),
  Sigmoid: (_, chain) => elementwise(chain, { type: 'sigmoid' }),
  Tanh: (_, chain) => elementwise(chain, { type: 'tanh' }),
  Identity: () => undefined,
  Pad: zeroPad,
  Flatten: flatten,
  Reshape: reshape,
  Gemm: gemm,
  MatMul: matmul,
  Add: addBias,
  LRN: localResponseNormalization,
  BatchNormalization: batchNormalization,
  Dropout: dropout,
  Softmax: (view, chain) => ending(view, chain),
  LogSoftmax: (view, chain) => ending(view, chain),
};

function convolution(view: NodeView, chain: Chain): void {
  const [C, H, W] = spatialInput(chain, 'a convolution');
  const weights = floats(view, 1, 'weight');
  if (weights.shape.length !== 4) fail(`weight has shape [${weights.shape}], expected [F,C,KH,KW]`);
  const [F, weightChannels, KH, KW] = weights.shape;
  if (integer(view, 'group', 1) !== 1) fail(`a grouped convolution (group ${view.attributes.get('group')}); cnn's convolutions are not grouped`);
  if (weightChannels !== C) fail(`weight has ${weightChannels} input channels, but its input has ${C}`);
  ones(view, 'dilations', 'a dilated convolution');
  if (KH !== KW) fail(`a ${KH}x${KW} kernel; cnn's convolutions are square`);
  const { stride, pad } = window(view, KH, chain);
  const bias = view.node.input?.[2] ? floats(view, 2, 'bias') : { shape: [F], data: new Float32Array(F) };
  if (bias.data.length !== F) fail(`bias has shape [${bias.shape}], expected [${F}]`);
  chain.shape = [F, outputSize(H, KH, stride, pad, 'height'), outputSize(W, KW, stride, pad, 'width')];
  chain.layers.push({ spec: { type: 'convolution', filters: F, size: KH, stride, pad }, tensors: { W: weights, b: { shape: [F], data: bias.data } } });
}

function pooling(view: NodeView, chain: Chain, mode: 'max' | 'average'): void {
  const [C, H, W] = spatialInput(chain, 'pooling');
  const kernel = ints(view, 'kernel_shape') ?? fail('kernel_shape is missing');
  if (kernel.length !== 2 || kernel[0] !== kernel[1]) fail(`a ${kernel.join('x')} window; cnn's pooling windows are square`);
  const size = kernel[0];
  // A zero around the image could be a maximum; ONNX's own padding never is.
  if (mode === 'max' && (chain.pendingPad ?? 0) > 0) fail('follows a Pad of zeros, which max pooling would count; cnn pads max pooling with -infinity');
  const { stride, pad, own } = window(view, size, chain);
  ones(view, 'dilations', 'a dilated pooling window');
  if (2 * pad > size) fail(`pad ${pad} is more than half the window ${size}`);
  // ceil_mode only changes anything when the windows do not tile the input, which outputSize refuses.
  if (mode === 'average' && own > 0 && integer(view, 'count_include_pad', 0) !== 1) {
    fail('averages over the unpadded cells only (count_include_pad 0); cnn counts padding as zeros (count_include_pad 1)');
  }
  chain.shape = [C, outputSize(H, size, stride, pad, 'height'), outputSize(W, size, stride, pad, 'width')];
  chain.layers.push({ spec: { type: 'pooling', size, stride, pad, ...(mode === 'average' && { mode }) }, tensors: {} });
}

function elementwise(chain: Chain, spec: LayerSpec): void {
  chain.layers.push({ spec, tensors: {} });
}

function flatten(view: NodeView, chain: Chain): void {
  if (integer(view, 'axis', 1) !== 1) fail(`flattens from axis ${view.attributes.get('axis')}; cnn flattens each image (axis 1)`);
  chain.flat = true;
}

function reshape(view: NodeView, chain: Chain): void {
  const target = view.constant(1);
  if (target === undefined) fail('its target shape is computed in the graph; cnn reads a constant shape only (export with torch.flatten(x, 1))');
  const shape = readIntegerTensor(target as TensorProto);
  if (typeof shape === 'string') fail(shape);
  const size = chain.shape.reduce((product, dimension) => product * dimension, 1);
  const [batch, ...rest] = shape as number[];
  const keepsBatch = batch === -1 || (batch === 0 && integer(view, 'allowzero', 0) === 0) || (chain.batch !== undefined && batch === chain.batch);
  const flattens = rest.length === 1 && (rest[0] === size || (rest[0] === -1 && batch !== -1));
  const unchanged = !chain.flat && rest.length === chain.shape.length && rest.every((dimension, index) => dimension === chain.shape[index]);
  if (!keepsBatch || !(flattens || unchanged)) fail(`reshapes to [${(shape as number[]).join(',')}]; cnn only flattens each image to [N,${size}]`);
  if (flattens) chain.flat = true;
}

function gemm(view: NodeView, chain: Chain): void {
  if (integer(view, 'transA', 0) !== 0) fail('transposes its input (transA 1)');
  const matrix = floats(view, 1, 'B');
  if (matrix.shape.length !== 2) fail(`B has shape [${matrix.shape}], expected a matrix`);
  const transposed = integer(view, 'transB', 0) === 1;
  const [D, U] = transposed ? [matrix.shape[1], matrix.shape[0]] : matrix.shape;
  const W = affineInput(chain, D);
  const alpha = float(view, 'alpha', 1);
  const values = new Float32Array(D * U);
  for (let d = 0; d < D; d++) for (let u = 0; u < U; u++) values[d * U + u] = alpha * matrix.data[transposed ? u * D + d : d * U + u];
  const bias = new Float32Array(U);
  if (view.node.input?.[2]) addInto(bias, floats(view, 2, 'C'), float(view, 'beta', 1));
  chain.layers.push({ spec: { type: 'affine', units: U }, tensors: { W: { shape: [W, U], data: values }, b: { shape: [U], data: bias } } });
  chain.shape = [U];
  chain.flat = false;
}

function matmul(view: NodeView, chain: Chain): void {
  const matrix = floats(view, 1, 'B');
  if (matrix.shape.length !== 2) fail(`B has shape [${matrix.shape}], expected a matrix`);
  const [D, U] = matrix.shape;
  affineInput(chain, D);
  chain.layers.push({ spec: { type: 'affine', units: U }, tensors: { W: matrix, b: { shape: [U], data: new Float32Array(U) } }, awaitsBias: true });
  chain.shape = [U];
  chain.flat = false;
}

function addBias(view: NodeView, chain: Chain): void {
  const last = chain.layers[chain.layers.length - 1];
  if (last?.awaitsBias !== true) fail("adds a constant that is no MatMul's bias; cnn has no layer that adds");
  // Either operand may be the constant: PyTorch writes x + b, a hand-made graph b + x.
  addInto(last.tensors.b.data, floats(view, view.constant(1) === undefined ? 0 : 1, 'bias'), 1);
  last.awaitsBias = false;
}

function localResponseNormalization(view: NodeView, chain: Chain): void {
  spatialInput(chain, 'local response normalization');
  const size = integer(view, 'size', 0);
  if (size < 1 || size % 2 === 0) fail(`size ${size}: cnn's windows are odd, centred on their channel`);
  // ONNX divides alpha by size; ours does not (LrnSpec), so alpha/size is the same formula.
  const alpha = Number((float(view, 'alpha', 1e-4) / size).toPrecision(9));
  chain.layers.push({ spec: { type: 'lrn', size, k: float(view, 'bias', 1), alpha, beta: float(view, 'beta', 0.75) }, tensors: {} });
}

function batchNormalization(view: NodeView, chain: Chain): void {
  if (chain.flat && chain.shape.length > 1) fail('normalizes a flattened image per value; cnn normalizes images per channel');
  if (integer(view, 'training_mode', 0) !== 0 || integer(view, 'spatial', 1) !== 1) fail('is in training mode or not spatial; cnn imports the inference form');
  const channels = chain.shape[0];
  const read = (index: number, label: string): FloatValues => {
    const values = floats(view, index, label);
    if (values.data.length !== channels) fail(`${label} has shape [${values.shape}], expected [${channels}]`);
    return { shape: [channels], data: values.data };
  };
  const tensors = { gamma: read(1, 'scale'), beta: read(2, 'B'), runningMean: read(3, 'mean'), runningVariance: read(4, 'var') };
  const epsilon = float(view, 'epsilon', 1e-5);
  const momentum = float(view, 'momentum', 0.9);
  if (!(epsilon > 0) || !(momentum >= 0 && momentum < 1)) fail(`epsilon ${epsilon} or momentum ${momentum} is outside what cnn trains with`);
  chain.layers.push({ spec: { type: 'batchnorm', momentum, epsilon }, tensors });
}

function dropout(view: NodeView, chain: Chain): void {
  let rate = float(view, 'ratio', 0.5);
  if (view.opset >= 12 && view.node.input?.[1]) {
    const ratio = floats(view, 1, 'ratio');
    if (ratio.data.length !== 1) fail(`ratio has shape [${ratio.shape}], expected a scalar`);
    rate = shortestDecimal(ratio.data[0]);
  }
  if (view.node.input?.[2]) fail('takes a training_mode input; cnn imports the inference form');
  if (!(rate >= 0 && rate < 1)) fail(`ratio ${rate} is outside [0,1)`);
  chain.layers.push({ spec: { type: 'dropout', rate }, tensors: {} });
}

function ending(view: NodeView, chain: Chain): void {
  const axis = integer(view, 'axis', view.opset >= 13 ? -1 : 1);
  if (chain.shape.length !== 1 || (axis !== 1 && axis !== -1)) fail('is not over the class scores of each image');
  chain.ending = view.node.op_type;
}

function spatialInput(chain: Chain, what: string): number[] {
  if (chain.shape.length !== 3 || chain.flat) fail(`${what} needs an N x C x H x W input, but it gets N x ${chain.shape.join(' x ')}${chain.flat ? ' flattened' : ''}`);
  return chain.shape;
}

function affineInput(chain: Chain, D: number): number {
  if (chain.shape.length !== 1 && !chain.flat) fail(`needs a matrix, but its input is N x ${chain.shape.join(' x ')} (no Flatten before it)`);
  const size = chain.shape.reduce((product, dimension) => product * dimension, 1);
  if (size !== D) fail(`its weight has ${D} rows, but its input has ${size} values per image`);
  return D;
}

/** Stride and padding, a Pad node's zeros before it included; `own` is the node's own padding alone. */
function window(view: NodeView, size: number, chain: Chain): { stride: number; pad: number; own: number } {
  const strides = ints(view, 'strides') ?? [1, 1];
  if (strides.length !== 2 || strides[0] !== strides[1]) fail(`strides [${strides}]; cnn uses one stride for both axes`);
  const autoPad = view.attributes.get('auto_pad');
  let pads = ints(view, 'pads') ?? [0, 0, 0, 0];
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    if (strides[0] !== 1 || size % 2 === 0) fail(`auto_pad ${autoPad} with stride ${strides[0]} and size ${size} pads unevenly`);
    pads = [0, 0, 0, 0].fill((size - 1) / 2);
  }
  if (pads.length !== 4 || pads.some((pad) => pad !== pads[0])) fail(`pads [${pads}]; cnn pads every side alike`);
  const extra = chain.pendingPad ?? 0;
  chain.pendingPad = undefined;
  return { stride: strides[0], pad: pads[0] + extra, own: pads[0] };
}

/**
 * PyTorch writes avg_pool2d (count_include_pad) as Pad then AveragePool: zeros around each image,
 * which the average pooling or convolution after it takes as its own padding.
 */
function zeroPad(view: NodeView, chain: Chain): void {
  spatialInput(chain, 'Pad');
  const mode = view.attributes.get('mode') ?? 'constant';
  if (view.node.input?.[3]) fail('pads only some axes (the axes input of opset 18); cnn reads pads for every axis');
  const constant = view.node.input?.[1] ? view.constant(1) : undefined;
  const pads = view.opset >= 11 ? (constant && readIntegerTensor(constant)) : ints(view, 'pads');
  if (!Array.isArray(pads)) fail(typeof pads === 'string' ? pads : 'its pads are computed in the graph; cnn reads constant pads only');
  const value = view.opset >= 11 ? (view.node.input?.[2] ? floats(view, 2, 'constant_value').data[0] : 0) : float(view, 'value', 0);
  const [, , top, left, , , bottom, right] = pads as number[];
  const even = (pads as number[]).length === 8 && [top, left, bottom, right].every((pad) => pad === top) && (pads as number[]).every((pad, index) => pad === top || index % 4 < 2 && pad === 0);
  if (mode !== 'constant' || value !== 0 || !even) fail(`pads [${pads}] with ${mode} ${value}; cnn pads with zeros, every side of each image alike`);
  if (chain.pendingPad !== undefined) fail('follows another Pad');
  if (top > 0) chain.pendingPad = top;
}

function outputSize(input: number, size: number, stride: number, pad: number, axis: string): number {
  try {
    return convOutSize(input, size, stride, pad, axis);
  } catch (error) {
    if (error instanceof GeometryError) fail(`${error.message}; cnn's windows tile their input exactly`);
    throw error;
  }
}

/** C of Gemm or an Add's bias: [U], [1,U] or a scalar, broadcast over the units. */
function addInto(bias: Float32Array, values: FloatValues, scale: number): void {
  if (values.data.length !== bias.length && values.data.length !== 1) fail(`bias has shape [${values.shape}], expected [${bias.length}]`);
  for (let u = 0; u < bias.length; u++) bias[u] += scale * values.data[values.data.length === 1 ? 0 : u];
}
