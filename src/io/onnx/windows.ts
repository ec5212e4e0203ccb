// Sliding windows, shared by Conv, MaxPool and AveragePool: strides, padding (a Pad node's zeros before
// them folded in), and output sizes through convOutSize, since our windows must tile the input exactly.

import { convOutSize, GeometryError } from '../../tensor/geometry.js';
import { fail, float, floats, ints, type Chain, type NodeView } from './node-view.js';
import { readIntegerTensor } from './tensors.js';

export function spatialInput(chain: Chain, what: string): number[] {
  if (chain.shape.length !== 3 || chain.flat) fail(`${what} needs an N x C x H x W input, but it gets N x ${chain.shape.join(' x ')}${chain.flat ? ' flattened' : ''}`);
  return chain.shape;
}

/** Stride and padding, a Pad node's zeros before it included; `own` is the node's own padding alone. */
export function window(view: NodeView, size: number, chain: Chain): { stride: number; pad: number; own: number } {
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
export function zeroPad(view: NodeView, chain: Chain): void {
  spatialInput(chain, 'Pad');
  const mode = view.attributes.get('mode') ?? 'constant';
  if (view.node.input?.[3]) fail('pads only some axes (the axes input of opset 18); cnn reads pads for every axis');
  const constant = view.node.input?.[1] ? view.constant(1) : undefined;
  const pads = view.opset >= 11 ? (constant && readIntegerTensor(constant)) : ints(view, 'pads');
  if (!Array.isArray(pads)) fail(typeof pads === 'string' ? pads : 'its pads are computed in the graph; cnn reads constant pads only');
  const value = view.opset >= 11 ? (view.node.input?.[2] ? floats(view, 2, 'constant_value').data[0] : 0) : float(view, 'value', 0);
  // [N, C, top, left, N, C, bottom, right]: nothing on the batch or the channels, the same on every side.
  const top = (pads as number[])[2];
  const even = (pads as number[]).length === 8 && (pads as number[]).every((pad, index) => (index % 4 < 2 ? pad === 0 : pad === top));
  if (mode !== 'constant' || value !== 0 || !even) fail(`pads [${pads}] with ${mode} ${value}; cnn pads with zeros, every side of each image alike`);
  if (chain.pendingPad !== undefined) fail('follows another Pad');
  if (top > 0) chain.pendingPad = top;
}

export function outputSize(input: number, size: number, stride: number, pad: number, axis: string): number {
  try {
    return convOutSize(input, size, stride, pad, axis);
  } catch (error) {
    if (error instanceof GeometryError) fail(`${error.message}; cnn's windows tile their input exactly`);
    throw error;
  }
}
