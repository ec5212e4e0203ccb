// cnn import of graphs written the ways other tools write them (MatMul+Add, Gemm with transB, Reshape,
// Pad before AveragePool, auto_pad, Constant nodes, Identity, opset 9 attributes), each judged by
// ONNX Runtime running the very same file: the imported network must give its outputs.

import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../src/io/onnx/export.js';
import { importOnnx } from '../src/io/onnx/import.js';
import { decodeModel, encodeModel, type ModelProto, type NodeProto, type TensorProto } from '../src/io/onnx/schema.js';
import { floatAttribute, floatTensor, intAttribute, intsAttribute, readFloatTensor } from '../src/io/onnx/tensors.js';
import { softmax } from '../src/layers/softmax-with-loss.js';
import { Network } from '../src/models/network.js';
import { disturbNormalization, firstDisagreement, ourScores, runtimeScores, testImages } from './helpers/onnx.js';

const network = new Network({
  input: [1, 28, 28],
  layers: [
    { type: 'convolution', filters: 6, size: 3, pad: 1, weightInit: 'he' }, { type: 'batchnorm' }, { type: 'relu' },
    { type: 'pooling', size: 2, stride: 2, mode: 'average' }, { type: 'lrn', size: 3, alpha: 0.01 },
    { type: 'convolution', filters: 8, size: 3, weightInit: 'he' }, { type: 'tanh' }, { type: 'pooling', size: 2, stride: 2 },
    { type: 'affine', units: 24, weightInit: 'he' }, { type: 'dropout', rate: 0.2 }, { type: 'sigmoid' }, { type: 'affine', units: 10, weightInit: 'xavier' },
  ],
}, { seed: 5 });
disturbNormalization(network, 11);

const find = (model: ModelProto, name: string): NodeProto => model.graph?.node?.find((node) => node.name === name) as NodeProto;
const initializer = (model: ModelProto, name: string): TensorProto => model.graph?.initializer?.find((tensor) => tensor.name === name) as TensorProto;
const values = (tensor: TensorProto) => readFloatTensor(tensor) as { shape: number[]; data: Float32Array };
const without = (node: NodeProto, name: string) => (node.attribute = node.attribute?.filter((attribute) => attribute.name !== name));

function variant(edit: (model: ModelProto, nodes: NodeProto[]) => void, softmax = false): Uint8Array {
  const model = decodeModel(exportOnnx(network, {}, { softmax }));
  edit(model, model.graph?.node as NodeProto[]);
  return encodeModel(model);
}

const variants: [string, () => Uint8Array][] = [
  ['MatMul then Add for an affine layer, Reshape [-1, D] for Flatten', () => variant((model, nodes) => {
    const flatten = find(model, 'affine1.flatten');
    Object.assign(flatten, { op_type: 'Reshape', input: [...(flatten.input ?? []), 'shape'], attribute: [] });
    nodes.push({ name: 'shape', op_type: 'Constant', output: ['shape'], attribute: [{ name: 'value', type: 4, t: { dims: [2], data_type: 7, int64_data: [-1, 8 * 6 * 6] } }] });
    const gemm = find(model, 'affine1');
    Object.assign(gemm, { op_type: 'MatMul', input: gemm.input?.slice(0, 2), output: ['product'], attribute: [] });
    nodes.splice(nodes.indexOf(gemm) + 1, 0, { name: 'bias', op_type: 'Add', input: ['product', 'affine1.b'], output: ['affine1'] });
  })],
  ['Gemm with transB 1 (PyTorch), alpha 0.5 and beta 2', () => variant((model) => {
    const weights = values(initializer(model, 'affine2.W'));
    const [D, U] = weights.shape;
    const transposed = new Float32Array(D * U);
    for (let d = 0; d < D; d++) for (let u = 0; u < U; u++) transposed[u * D + d] = weights.data[d * U + u];
    Object.assign(initializer(model, 'affine2.W'), floatTensor('affine2.W', [U, D], transposed));
    find(model, 'affine2').attribute = [intAttribute('transB', 1), floatAttribute('alpha', 0.5), floatAttribute('beta', 2)];
  })],
  ['Pad of zeros before a Conv without pads, and Identity nodes', () => variant((model, nodes) => {
    const conv = find(model, 'conv1');
    without(conv, 'pads');
    conv.input = ['padded', ...(conv.input ?? []).slice(1)];
    nodes.unshift({ name: 'pads', op_type: 'Constant', output: ['pads'], attribute: [intsAttribute('value_ints', [0, 0, 1, 1, 0, 0, 1, 1])] },
      { name: 'pad', op_type: 'Pad', input: ['image', 'pads'], output: ['padded'] });
    const tanh = find(model, 'tanh1');
    tanh.output = ['tanh1.raw'];
    nodes.splice(nodes.indexOf(tanh) + 1, 0, { name: 'copy', op_type: 'Identity', input: ['tanh1.raw'], output: ['tanh1'] });
  })],
  ['auto_pad SAME_UPPER for a 3x3 convolution', () => variant((model) => {
    const conv = find(model, 'conv1');
    without(conv, 'pads');
    conv.attribute?.push({ name: 'auto_pad', type: 3, s: new TextEncoder().encode('SAME_UPPER') });
  })],
  ['opset 9: Dropout ratio as an attribute, BatchNormalization and Softmax with opset 9 defaults', () => variant((model) => {
    model.opset_import = [{ domain: '', version: 9 }];
    model.ir_version = 4;
    const dropout = find(model, 'dropout1');
    Object.assign(dropout, { input: dropout.input?.slice(0, 1), attribute: [floatAttribute('ratio', 0.2)] });
    model.graph!.initializer = model.graph?.initializer?.filter((tensor) => tensor.name !== 'dropout1.ratio');
    without(find(model, 'softmax'), 'axis');
    without(find(model, 'batchnorm1'), 'momentum');
  }, true)],
];

describe('cnn import, judged by ONNX Runtime on the same file', () => {
  it.each(variants)('%s', async (_, make) => {
    const bytes = make();
    const imported = importOnnx(bytes, 'variant.onnx');
    const { images } = await testImages(300);
    let ours = ourScores(imported.network, images);
    if (imported.ending === 'Softmax') ours = softmax({ shape: [300, 10], data: ours }).data as Float32Array;
    expect(firstDisagreement(await runtimeScores(bytes, images), ours, 10)).toBeUndefined();
  });

  it('with the spec a cnn export carries left out, as another tool would write it, the layers read back the same', () => {
    const model = decodeModel(variants[0][1]());
    model.producer_name = 'other';
    const imported = importOnnx(encodeModel(model), 'variant.onnx');
    expect(imported.network.model.layers.map((layer) => layer.type)).toEqual(network.model.layers.map((layer) => layer.type));
    expect(imported.metadata).toEqual({ importedFrom: 'variant.onnx', producer: 'other 0.1.0', opset: 13 });
  });
});

describe('cnn import refuses what its layers cannot hold, naming the node', () => {
  const refusals: [string, (model: ModelProto, nodes: NodeProto[]) => void, RegExp][] = [
    ['windows that do not tile the input (floor mode would drop a row)', (model) => {
      find(model, 'pool2').attribute = [intsAttribute('kernel_shape', [3, 3]), intsAttribute('strides', [2, 2])];
    },
      /node "pool2" \(MaxPool\): height: output size \(12 \+ 2\*0 - 3\) \/ 2 \+ 1 = 5\.5 is not an integer; cnn's windows tile their input exactly/],
    ['an average over unpadded cells only', (model) => {
      find(model, 'pool1').attribute = [intsAttribute('kernel_shape', [2, 2]), intsAttribute('strides', [2, 2]), intsAttribute('pads', [1, 1, 1, 1])];
    }, /node "pool1" \(AveragePool\): averages over the unpadded cells only \(count_include_pad 0\)/],
    ['an even LRN window', (model) => (find(model, 'lrn1').attribute = [intAttribute('size', 4)]), /node "lrn1" \(LRN\): size 4: cnn's windows are odd/],
    ['a Softmax before the last layer', (model, nodes) => {
      nodes.splice(nodes.indexOf(find(model, 'affine2')), 0, { name: 'early', op_type: 'Softmax', input: ['sigmoid1'], output: ['soft'] });
      find(model, 'affine2').input![0] = 'soft';
    }, /node "affine2" \(Gemm\): comes after the final Softmax; cnn's networks end with class scores/],
    ['a reshape computed from the batch size', (model, nodes) => {
      nodes.splice(nodes.indexOf(find(model, 'affine1.flatten')), 0, { name: 'size', op_type: 'Shape', input: ['pool2'], output: ['size'] });
    }, /node "size" \(Shape\): operator Shape is not one cnn has \(it computes a reshape from the batch size: export with torch.flatten\(x, 1\)/],
    ['a node off the path', (_, nodes) => nodes.push({ name: 'stray', op_type: 'Relu', input: ['nowhere'], output: ['nothing'] }),
      /node "stray" \(Relu\): is not on the path from the input to the output/],
    ['two inputs', (model) => model.graph?.input?.push({ ...model.graph.input[0], name: 'second' }), /the graph has 2 inputs \(image, second\); cnn reads one image batch/],
    ['a Pad over the channels', (model, nodes) => {
      find(model, 'conv1').input![0] = 'padded';
      nodes.unshift({ name: 'pads', op_type: 'Constant', output: ['pads'], attribute: [intsAttribute('value_ints', [0, 1, 1, 1, 0, 1, 1, 1])] },
        { name: 'pad', op_type: 'Pad', input: ['image', 'pads'], output: ['padded'] });
    }, /node "pad" \(Pad\): pads \[0,1,1,1,0,1,1,1\] with constant 0; cnn pads with zeros, every side of each image alike/],
    ['batch normalization in training mode', (model) => find(model, 'batchnorm1').attribute?.push(intAttribute('training_mode', 1)),
      /node "batchnorm1" \(BatchNormalization\): is in training mode/],
  ];
  it.each(refusals)('%s', (_, edit, reason) => {
    expect(() => importOnnx(variant(edit), 'bad.onnx')).toThrow(reason);
  });
});
