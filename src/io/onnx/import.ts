// An ONNX model to a network: the graph must be one chain from a N x 1 x 28 x 28 float32 input to one
// output, each node reading the one before it and constants only. operators.ts turns each node into
// a layer; anything else fails with one line that names the node, its operator and why.

import { basename } from 'node:path';
import { CnnError } from '../../errors.js';
import type { ModelSpec, Network } from '../../models/network.js';
import { buildNetwork, validateModelSpec } from '../../models/validate.js';
import { firstNonFinite } from '../float32.js';
import type { SnapshotMetadata } from '../snapshot.js';
import { exportOnnx, MODEL_KEY } from './export.js';
import { NodeError, type Chain, type NodeView } from './node-view.js';
import { operators } from './operators.js';
import { decodeModel, DataType, type GraphProto, type ModelProto, type NodeProto, type TensorProto } from './schema.js';
import { attributeValues, typeName } from './tensors.js';

const MINIMUM_OPSET = 9;
const INPUT = [1, 28, 28];

export interface ImportedModel {
  network: Network;
  metadata: SnapshotMetadata;
  /** Who made the file: "pytorch 1.13.0". */
  producer: string;
  opset: number;
  /** A final Softmax or LogSoftmax that was left out: cnn's networks end with scores. */
  ending?: string;
}

export function importOnnx(bytes: Uint8Array, where: string): ImportedModel {
  const fail = (message: string): never => {
    throw new CnnError(`${where}: ${message}`);
  };
  const model = decode(bytes, fail);
  const graph = model.graph as GraphProto;
  const opset = model.opset_import?.find((entry) => !entry.domain || entry.domain === 'ai.onnx')?.version ?? fail('not an ONNX model: it imports no standard operator set');
  if (opset < MINIMUM_OPSET) fail(`opset ${opset} is older than ${MINIMUM_OPSET}, the oldest cnn reads`);
  const chain = walk(graph, opset, fail);
  const producer = [model.producer_name, model.producer_version].filter(Boolean).join(' ') || 'an unknown producer';
  const props = new Map((model.metadata_props ?? []).map(({ key, value }) => [key ?? '', value ?? '']));
  const derived: ModelSpec = { input: INPUT, layers: chain.layers.map((layer) => layer.spec) };
  const stored = model.producer_name === 'cnn' ? storedModel(props.get(MODEL_KEY), graph, chain.ending) : undefined;
  const network = buildNetwork(stored ?? derived, where, { initialize: false });
  network.layers.forEach((layer, index) => {
    const source = chain.layers[index];
    for (const { name, value } of [...layer.params(), ...(layer.state?.() ?? [])]) {
      const values = source.tensors[name.slice(layer.name.length + 1)];
      if (values?.data.length !== value.data.length) fail(`${source.node}: ${name} has ${values?.data.length ?? 0} values, expected ${value.data.length}`);
      const bad = firstNonFinite(values.data);
      if (bad !== undefined) fail(`${source.node}: ${name} holds ${bad.value} at index ${bad.index}`);
      if (name.endsWith('.runningVariance') && values.data.some((variance) => variance < 0)) fail(`${source.node}: ${name} holds a negative variance`);
      value.data.set(values.data);
    }
  });
  props.delete(MODEL_KEY);
  const metadata = stored !== undefined
    ? cnnMetadata(props)
    : { importedFrom: basename(where), producer, opset, ...(props.size > 0 && { onnxMetadata: Object.fromEntries(props) }) };
  return { network, metadata, producer, opset, ending: chain.ending };
}

function decode(bytes: Uint8Array, fail: (message: string) => never): ModelProto {
  let model: ModelProto;
  try {
    model = decodeModel(bytes);
  } catch (error) {
    return fail(`not an ONNX model, or a truncated one: its protobuf does not parse (${(error as Error).message})`);
  }
  if (model.graph === undefined) fail(model.ir_version === undefined ? 'not an ONNX model (no IR version, no graph)' : 'the model has no graph');
  return model;
}

function walk(graph: GraphProto, opset: number, fail: (message: string) => never): Chain {
  const nodes = graph.node ?? [];
  const label = (node: NodeProto) => `node ${JSON.stringify(node.name || node.output?.[0] || '')} (${node.op_type})`;
  const failNode = (node: NodeProto, reason: string): never => fail(`${label(node)}: ${reason}`);
  const constants = new Map<string, TensorProto>((graph.initializer ?? []).map((tensor) => [tensor.name ?? '', tensor]));
  for (const node of nodes) {
    if (node.op_type === 'Constant' && !node.domain) constants.set(node.output?.[0] ?? '', constantTensor(node, failNode));
  }
  const computed = nodes.filter((node) => !(node.op_type === 'Constant' && !node.domain));
  const consumers = new Map<string, NodeProto[]>();
  for (const node of computed) {
    for (const name of new Set(node.input ?? [])) if (name && !constants.has(name)) consumers.set(name, [...(consumers.get(name) ?? []), node]);
  }
  const inputs = (graph.input ?? []).filter((input) => !constants.has(input.name ?? ''));
  if (inputs.length !== 1) fail(`the graph has ${inputs.length} inputs (${inputs.map((input) => input.name).join(', ')}); cnn reads one image batch`);
  const outputs = graph.output ?? [];
  if (outputs.length === 0) fail('the graph has no output');
  if (outputs.length > 1) fail(`the graph has ${outputs.length} outputs (${outputs.map((output) => output.name).join(', ')}); cnn's networks have one`);
  const chain: Chain = { shape: [...INPUT], flat: false, layers: [], batch: checkInput(inputs[0], fail) };
  const visited = new Set<NodeProto>();
  let current = inputs[0].name ?? '';
  for (let next = consumers.get(current) ?? []; next.length > 0; next = consumers.get(current) ?? []) {
    const unknown = next.find((node) => node.domain || !Object.hasOwn(operators, node.op_type ?? ''));
    if (unknown !== undefined) failNode(unknown, `operator ${unknown.domain ? `${unknown.domain}.` : ''}${unknown.op_type} is not one cnn has${hint(unknown)}`);
    if (next.length > 1) failNode(mergeAfter(computed, constants) ?? next[1], `a branch: ${JSON.stringify(current)} feeds ${next.map(label).join(' and ')}; cnn runs a plain chain of layers`);
    const node = next[0];
    if (chain.ending !== undefined) failNode(node, `comes after the final ${chain.ending}; cnn's networks end with class scores`);
    const data = (node.input ?? []).filter((name) => name && !constants.has(name));
    if (data.length > 1) failNode(node, 'combines two computed values (a residual branch); cnn runs a plain chain of layers');
    if (node.input?.[0] !== current && node.op_type !== 'Add') failNode(node, `reads ${JSON.stringify(current)} as a weight; cnn reads weights from initializers only`);
    const extra = (node.output ?? []).slice(1).find((name) => name && (consumers.has(name) || outputs.some((output) => output.name === name)));
    if (extra !== undefined) failNode(node, `its second output ${JSON.stringify(extra)} is used; cnn keeps the first only`);
    if (chain.pendingPad !== undefined && !['Conv', 'AveragePool', 'MaxPool'].includes(node.op_type ?? '')) {
      failNode(node, 'follows a Pad; cnn pads only inside a convolution or a pooling layer');
    }
    const view: NodeView = {
      node, opset, attributes: attributeValues(node.attribute), constant: (index) => constants.get(node.input?.[index] ?? ''),
    };
    const before = chain.layers.length;
    try {
      operators[node.op_type as string](view, chain);
    } catch (error) {
      if (error instanceof NodeError) failNode(node, error.message);
      throw error;
    }
    for (const layer of chain.layers.slice(before)) layer.node = label(node);
    visited.add(node);
    current = node.output?.[0] ?? '';
  }
  if (chain.pendingPad !== undefined) fail('the graph ends with a Pad');
  if (current !== outputs[0].name) fail(`the graph's output ${JSON.stringify(outputs[0].name)} is not where its chain of nodes ends (${JSON.stringify(current)})`);
  const stray = computed.find((node) => !visited.has(node));
  if (stray !== undefined) failNode(stray, 'is not on the path from the input to the output');
  return chain;
}

/** The batch size when the file fixes one; the sample must be 1 x 28 x 28 float32. */
function checkInput(input: NonNullable<GraphProto['input']>[number], fail: (message: string) => never): number | undefined {
  const name = JSON.stringify(input.name ?? '');
  const tensor = input.type?.tensor_type;
  if (tensor?.elem_type !== DataType.FLOAT) fail(`input ${name} is ${tensor === undefined ? 'not a tensor' : typeName(tensor.elem_type)}; cnn reads float32 images`);
  const dims = tensor?.shape?.dim ?? [];
  const text = dims.map((dim) => dim.dim_param || (dim.dim_value ?? '?')).join(' x ');
  if (dims.length !== 4 || dims.slice(1).some((dim, index) => dim.dim_value !== INPUT[index])) {
    fail(`input ${name} is ${text || 'of unknown shape'}, not N x 1 x 28 x 28 (MNIST images)`);
  }
  return dims[0].dim_value || undefined;
}

function constantTensor(node: NodeProto, failNode: (node: NodeProto, reason: string) => never): TensorProto {
  const attribute = node.attribute?.[0];
  const value = attributeValues(node.attribute).get(attribute?.name ?? '');
  if (attribute?.name === 'value' && typeof value === 'object' && !Array.isArray(value)) return value;
  if (attribute?.name === 'value_float' && typeof value === 'number') return { dims: [], data_type: DataType.FLOAT, float_data: [value] };
  if (attribute?.name === 'value_floats' && Array.isArray(value)) return { dims: [value.length], data_type: DataType.FLOAT, float_data: value };
  if (attribute?.name === 'value_int' && typeof value === 'number') return { dims: [], data_type: DataType.INT64, int64_data: [value] };
  if (attribute?.name === 'value_ints' && Array.isArray(value)) return { dims: [value.length], data_type: DataType.INT64, int64_data: value };
  return failNode(node, `holds a ${attribute?.name ?? 'missing'} value, which cnn does not read`);
}

/** The first node that joins two computed values: where a branch that forked ends. */
function mergeAfter(nodes: NodeProto[], constants: Map<string, TensorProto>): NodeProto | undefined {
  return nodes.find((node) => (node.input ?? []).filter((name) => name && !constants.has(name)).length > 1);
}

function hint(node: NodeProto): string {
  if (node.op_type === 'Shape') return ' (it computes a reshape from the batch size: export with torch.flatten(x, 1) instead of x.view(x.size(0), -1))';
  if (node.op_type === 'Add' || node.op_type === 'Concat' || node.op_type === 'Sum') return ' (a residual or parallel branch)';
  return '';
}

/**
 * The model spec a cnn export carries beside its graph, which keeps what no node holds (weightInit).
 * Used only when exporting it again gives the very nodes of this file, so an edited graph is read as
 * the graph says.
 */
function storedModel(text: string | undefined, graph: GraphProto, ending: string | undefined): ModelSpec | undefined {
  if (text === undefined) return undefined;
  try {
    const spec = validateModelSpec(JSON.parse(text), MODEL_KEY);
    const again = buildNetwork(spec, MODEL_KEY, { initialize: false });
    const nodes = (model: GraphProto | undefined) => JSON.stringify((model?.node ?? []).map(({ op_type, attribute }) => [op_type, attribute]));
    return nodes(decodeModel(exportOnnx(again, {}, { softmax: ending === 'Softmax' })).graph) === nodes(graph) ? spec : undefined;
  } catch {
    return undefined;
  }
}

/** A cnn export's metadata back: strings as they are, anything else from its JSON. */
function cnnMetadata(props: Map<string, string>): SnapshotMetadata {
  const strings = new Set(['model', 'dataset', 'optimizer', 'date']);
  const metadata: SnapshotMetadata = {};
  for (const [key, value] of props) {
    if (strings.has(key)) metadata[key] = value;
    else {
      try {
        metadata[key] = JSON.parse(value);
      } catch {
        metadata[key] = value;
      }
    }
  }
  return metadata;
}
