// One ONNX node at a time into our layers, with the defaults of every opset from 9 on (ONNX's
// Operators.md). What has no layer here, or a layer only for other settings, is refused with the
// reason; the caller adds the file and the node's name.

import type { LayerSpec } from '../../layers/layer.js';
import { fail, float, floats, integer, ints, ones, shortestDecimal, type Chain, type NodeView } from './node-view.js';
import type { TensorProto } from './schema.js';
import { readIntegerTensor, type FloatValues } from './tensors.js';
import { outputSize, spatialInput, window, zeroPad } from './windows.js';

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

function affineInput(chain: Chain, D: number): number {
  if (chain.shape.length !== 1 && !chain.flat) fail(`needs a matrix, but its input is N x ${chain.shape.join(' x ')} (no Flatten before it)`);
  const size = chain.shape.reduce((product, dimension) => product * dimension, 1);
  if (size !== D) fail(`its weight has ${D} rows, but its input has ${size} values per image`);
  return D;
}

/** C of Gemm or an Add's bias: [U], [1,U] or a scalar, broadcast over the units. */
function addInto(bias: Float32Array, values: FloatValues, scale: number): void {
  if (values.data.length !== bias.length && values.data.length !== 1) fail(`bias has shape [${values.shape}], expected [${bias.length}]`);
  for (let u = 0; u < bias.length; u++) bias[u] += scale * values.data[values.data.length === 1 ? 0 : u];
}
