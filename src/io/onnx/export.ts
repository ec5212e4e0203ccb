// A network to an ONNX model: one node per layer, weights as initializers under the snapshot's own
// tensor names, opset 13, a dynamic batch dimension. The mapping follows each layer's code, not its
// name; the ONNX Runtime tests (test/onnx-runtime.test.ts) are the judge that it computes the same.

import type { Layer, LayerSpec } from '../../layers/layer.js';
import type { Network } from '../../models/network.js';
import { version } from '../../version.js';
import type { SnapshotMetadata } from '../snapshot.js';
import { DataType, encodeModel, type NodeProto, type TensorProto, type ValueInfoProto } from './schema.js';
import { floatAttribute, floatTensor, intAttribute, intsAttribute } from './tensors.js';

export const OPSET = 13;
// IR version 7 is the oldest that opset 13 allows, so older readers still open the file.
const IR_VERSION = 7;
export const INPUT_NAME = 'image';
/** Metadata key holding the model spec, so an import gets back what no ONNX node holds (weightInit). */
export const MODEL_KEY = 'cnn.model';

export function inputDescription(sample: readonly number[]): string {
  return (
    `N x ${sample.join(' x ')} float32 grey levels, 0 for the background to 1 for full ink, as cnn's preprocessing ` +
    'makes them (MNIST style: a light digit on black, centred by its centre of mass)'
  );
}

export interface ExportOptions {
  /** End with Softmax, so the output is probabilities rather than class scores. */
  softmax?: boolean;
}

export function exportOnnx(network: Network, metadata: SnapshotMetadata, options: ExportOptions = {}): Uint8Array {
  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  let current = INPUT_NAME;
  let rank = network.model.input.length;
  for (const layer of network.layers) {
    const spec = layer.spec();
    // Gemm takes a matrix: an affine layer reads its [C,H,W] input flattened in NCHW order, as Flatten does.
    if (spec.type === 'affine' && rank > 1) {
      nodes.push({ name: `${layer.name}.flatten`, op_type: 'Flatten', input: [current], output: [`${layer.name}.flat`], attribute: [intAttribute('axis', 1)] });
      current = `${layer.name}.flat`;
    }
    const node = layerNode(layer, spec, current, initializers);
    nodes.push(node);
    current = layer.name;
    rank = layer.outputShape.length;
  }
  const classes = network.classes;
  const output = options.softmax ? 'probabilities' : 'scores';
  if (options.softmax) {
    nodes.push({ name: 'softmax', op_type: 'Softmax', input: [current], output: [output], attribute: [intAttribute('axis', 1)] });
  } else if (nodes.length > 0) {
    (nodes[nodes.length - 1].output as string[])[0] = output;
  }
  const input = inputDescription(network.model.input);
  const outputDescription = options.softmax
    ? `N x ${classes} float32 probabilities of the digits 0 to ${classes - 1}`
    : `N x ${classes} float32 class scores (before softmax) of the digits 0 to ${classes - 1}; the largest is the prediction`;
  return encodeModel({
    ir_version: IR_VERSION,
    opset_import: [{ domain: '', version: OPSET }],
    producer_name: 'cnn',
    producer_version: version,
    doc_string: `A convolutional network for MNIST trained by cnn. Input "${INPUT_NAME}": ${input}. Output "${output}": ${outputDescription}.`,
    graph: {
      name: metadata.model ?? 'cnn',
      node: nodes,
      initializer: initializers,
      input: [valueInfo(INPUT_NAME, network.model.input, input)],
      output: [valueInfo(output, [classes], outputDescription)],
    },
    metadata_props: metadataProps(network, metadata),
  });
}

function layerNode(layer: Layer, spec: LayerSpec, input: string, initializers: TensorProto[]): NodeProto {
  const name = layer.name;
  const tensors = [...layer.params(), ...(layer.state?.() ?? [])];
  const weights = (suffix: string): string => {
    const tensor = tensors.find((candidate) => candidate.name === `${name}.${suffix}`) as (typeof tensors)[number];
    initializers.push(floatTensor(tensor.name, tensor.value.shape, tensor.value.data));
    return tensor.name;
  };
  const node = (op_type: string, inputs: string[], attribute: NodeProto['attribute'] = []): NodeProto => ({
    name, op_type, input: [input, ...inputs], output: [name], attribute,
  });
  switch (spec.type) {
    case 'convolution': {
      const { size, stride = 1, pad = 0 } = spec;
      return node('Conv', [weights('W'), weights('b')], [
        intsAttribute('kernel_shape', [size, size]), intsAttribute('strides', [stride, stride]),
        intsAttribute('pads', [pad, pad, pad, pad]), intsAttribute('dilations', [1, 1]), intAttribute('group', 1),
      ]);
    }
    case 'pooling': {
      const { size, stride = size, pad = 0, mode = 'max' } = spec;
      const window = [intsAttribute('kernel_shape', [size, size]), intsAttribute('strides', [stride, stride]), intsAttribute('pads', [pad, pad, pad, pad])];
      // Our windows tile the input exactly, so floor and ceil mode agree; average pooling counts
      // padding as zeros, and max pooling never lets a padding cell win, as ONNX's -inf padding.
      return mode === 'max' ? node('MaxPool', [], window) : node('AveragePool', [], [...window, intAttribute('count_include_pad', 1)]);
    }
    case 'affine':
      // W is (D,U): out = x W + b is Gemm with transB 0.
      return node('Gemm', [weights('W'), weights('b')], [floatAttribute('alpha', 1), floatAttribute('beta', 1), intAttribute('transA', 0), intAttribute('transB', 0)]);
    case 'relu':
      return node('Relu', []);
    case 'sigmoid':
      return node('Sigmoid', []);
    case 'tanh':
      return node('Tanh', []);
    case 'lrn': {
      const { size = 5, k = 2, alpha = 1e-4, beta = 0.75 } = spec;
      // ONNX divides alpha by size (square_sum * alpha / size); ours sums without dividing.
      return node('LRN', [], [intAttribute('size', size), floatAttribute('alpha', alpha * size), floatAttribute('beta', beta), floatAttribute('bias', k)]);
    }
    case 'dropout': {
      // Identity at inference; the rate goes along as Dropout's ratio input (opset 12 on).
      const ratio = `${name}.ratio`;
      initializers.push(floatTensor(ratio, [], [spec.rate ?? 0.5]));
      return node('Dropout', [ratio]);
    }
    case 'batchnorm': {
      const { momentum = 0.9, epsilon = 1e-5 } = spec;
      // Inference form: the running statistics, never the batch's. Both keep `momentum` of the old value.
      return node('BatchNormalization', [weights('gamma'), weights('beta'), weights('runningMean'), weights('runningVariance')], [
        floatAttribute('epsilon', epsilon), floatAttribute('momentum', momentum),
      ]);
    }
  }
}

function valueInfo(name: string, sample: readonly number[], doc_string: string): ValueInfoProto {
  const dim = [{ dim_param: 'N' }, ...sample.map((dim_value) => ({ dim_value }))];
  return { name, doc_string, type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim } } } };
}

/** Every metadata entry as text (strings as they are, anything else as JSON), then the model spec. */
function metadataProps(network: Network, metadata: SnapshotMetadata): { key: string; value: string }[] {
  const props = Object.entries(metadata)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ({ key, value: typeof value === 'string' ? value : JSON.stringify(value) }));
  const model = { input: [...network.model.input], layers: network.layers.map((layer) => layer.spec()) };
  return [...props, { key: MODEL_KEY, value: JSON.stringify(model) }];
}
