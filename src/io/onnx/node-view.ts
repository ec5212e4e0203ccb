// What a node handler sees of its node (attributes with ONNX's defaults, constant inputs), the chain of
// layers it adds to, and the error it throws to refuse one: import.ts adds the file and the node's name.

import type { LayerSpec } from '../../layers/layer.js';
import type { NodeProto, TensorProto } from './schema.js';
import { attributeValues, readFloatTensor, type FloatValues } from './tensors.js';

export interface NodeView {
  node: NodeProto;
  opset: number;
  attributes: ReturnType<typeof attributeValues>;
  /** The constant (initializer or Constant node) at input `index`, if there is one. */
  constant(index: number): TensorProto | undefined;
}

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

/** Refusals carry their reason up to the caller, which names the file and the node. */
export class NodeError extends Error {}

export const fail = (reason: string): never => {
  throw new NodeError(reason);
};

export function floats(view: NodeView, index: number, label: string): FloatValues {
  const tensor = view.constant(index) ?? fail(`its ${label} is computed in the graph; cnn reads weights from initializers only`);
  const values = readFloatTensor(tensor);
  return typeof values === 'string' ? fail(`${label}: ${values}`) : values;
}

export function integer(view: NodeView, name: string, fallback: number): number {
  const value = view.attributes.get(name);
  return typeof value === 'number' ? value : fallback;
}

/** A float attribute as the shortest decimal that is the same float32, so 1e-5 reads back as 1e-5. */
export function float(view: NodeView, name: string, fallback: number): number {
  const value = view.attributes.get(name);
  return typeof value === 'number' ? shortestDecimal(value) : fallback;
}

export function shortestDecimal(value: number): number {
  for (let digits = 1; digits <= 9; digits++) {
    const decimal = Number(value.toPrecision(digits));
    if (Math.fround(decimal) === Math.fround(value)) return decimal;
  }
  return value;
}

export function ints(view: NodeView, name: string): number[] | undefined {
  const value = view.attributes.get(name);
  return Array.isArray(value) ? value : undefined;
}

export function ones(view: NodeView, name: string, what: string): void {
  const values = ints(view, name);
  if (values !== undefined && values.some((value) => value !== 1)) fail(`${what} (${name} [${values}]); cnn has none`);
}
