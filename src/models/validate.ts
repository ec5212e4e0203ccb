// Checks a model that arrived as untrusted JSON (a snapshot, a user's model file) before anything is
// built from it, so a bad file fails with one line naming the layer and field instead of a crash deep
// in a kernel, and a hostile one cannot ask for terabytes of weights.

import { CnnError } from '../errors.js';
import { layerTypes } from '../layers/create.js';
import { weightInitNames, type LayerSpec, type WeightInit } from '../layers/layer.js';
import { GeometryError } from '../tensor/geometry.js';
import { Network, type ModelSpec, type NetworkOptions } from './network.js';

const limits = {
  inputRank: 3,
  inputDimension: 4096,
  inputSize: 1 << 24,
  layers: 1024,
  units: 65536,
  window: 1024,
  // Network allocates and fills every weight at construction: 2^26 floats is 256 MB, and
  // SimpleConvNet needs 434k.
  parameters: 1 << 26,
};

const allowedKeys: Record<LayerSpec['type'], readonly string[]> = {
  convolution: ['type', 'filters', 'size', 'stride', 'pad', 'weightInit'],
  pooling: ['type', 'size', 'stride', 'pad', 'mode'],
  affine: ['type', 'units', 'weightInit'],
  relu: ['type'],
  sigmoid: ['type'],
  tanh: ['type'],
  lrn: ['type', 'size', 'k', 'alpha', 'beta'],
  dropout: ['type', 'rate'],
  batchnorm: ['type', 'momentum', 'epsilon'],
};

type Fields = Record<string, unknown>;

export function validateModelSpec(value: unknown, where: string): ModelSpec {
  const fail = (message: string): never => {
    throw new CnnError(`${where}: ${message}`);
  };
  if (!isObject(value)) fail(`model must be an object with input and layers, got ${describe(value)}`);
  const model = value as Fields;
  for (const key of Object.keys(model)) {
    if (key !== 'input' && key !== 'layers') fail(`model: unknown key ${JSON.stringify(key)}`);
  }
  const input = model.input;
  if (
    !Array.isArray(input) ||
    input.length === 0 ||
    input.length > limits.inputRank ||
    !input.every((dimension) => isInteger(dimension, 1, limits.inputDimension))
  ) {
    fail(
      `input must be 1 to ${limits.inputRank} integers from 1 to ${limits.inputDimension}, ` +
        `got ${describe(input)}`,
    );
  }
  const shape = [...(input as number[])];
  const inputSize = shape.reduce((product, dimension) => product * dimension, 1);
  if (inputSize > limits.inputSize) fail(`input ${describe(shape)} has ${inputSize} values, more than ${limits.inputSize}`);
  const layers = model.layers;
  if (!Array.isArray(layers)) fail(`layers must be an array, got ${describe(layers)}`);
  if ((layers as unknown[]).length > limits.layers) fail(`model has ${(layers as unknown[]).length} layers, more than ${limits.layers}`);
  const result: ModelSpec = { input: shape, layers: (layers as unknown[]).map((layer, index) => validateLayer(layer, `${where}: layer ${index}`)) };
  const parameters = countParameters(result);
  if (parameters > limits.parameters) fail(`model has ${parameters} parameters, more than ${limits.parameters}`);
  // A huge padding or many filters can ask for terabytes of activations with few weights.
  layerShapes(result).forEach(({ output }, index) => {
    const values = output.reduce((product, dimension) => product * dimension, 1);
    if (values > limits.inputSize) fail(`layer ${index} outputs ${values} values per image ([${output.join(',')}]), more than ${limits.inputSize}`);
  });
  return result;
}

/** Validates, then constructs: the constructor checks geometry and names the layer that does not fit. */
export function buildNetwork(model: ModelSpec, where: string, options: NetworkOptions = {}): Network {
  const checked = validateModelSpec(model, where);
  try {
    return new Network(checked, options);
  } catch (error) {
    if (error instanceof RangeError || error instanceof GeometryError) {
      throw new CnnError(`${where}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

function validateLayer(value: unknown, where: string): LayerSpec {
  if (!isObject(value)) throw new CnnError(`${where}: must be an object with a type, got ${describe(value)}`);
  const fields = value as Fields;
  const type = fields.type;
  if (typeof type !== 'string' || !(layerTypes as readonly string[]).includes(type)) {
    throw new CnnError(`${where}: unknown layer type ${describe(type)} (known: ${layerTypes.join(', ')})`);
  }
  const knownType = type as LayerSpec['type'];
  const label = `${where} (${knownType})`;
  for (const key of Object.keys(fields)) {
    if (!allowedKeys[knownType].includes(key)) throw new CnnError(`${label}: unknown key ${JSON.stringify(key)}`);
  }
  const integer = (key: string, minimum: number, maximum: number): number | undefined => {
    const field = fields[key];
    if (field === undefined) return undefined;
    if (!isInteger(field, minimum, Infinity)) {
      const kind = minimum === 0 ? 'a non-negative integer' : 'a positive integer';
      throw new CnnError(`${label}: ${key} must be ${kind}, got ${describe(field)}`);
    }
    if ((field as number) > maximum) throw new CnnError(`${label}: ${key} must be at most ${maximum}, got ${field}`);
    return field as number;
  };
  // A real number in [minimum, maximum), or in (minimum, maximum) when `open` says the low end is excluded.
  const real = (key: string, minimum: number, maximum: number, open: boolean): number | undefined => {
    const field = fields[key];
    if (field === undefined) return undefined;
    const inside = typeof field === 'number' && Number.isFinite(field) && (open ? field > minimum : field >= minimum) && field < maximum;
    if (!inside) {
      const range = `${open ? '(' : '['}${minimum}, ${maximum === Infinity ? 'infinity' : maximum})`;
      throw new CnnError(`${label}: ${key} must be a number in ${range}, got ${describe(field)}`);
    }
    return field as number;
  };
  const required = (key: string, maximum: number): number => {
    if (fields[key] === undefined) throw new CnnError(`${label}: ${key} is required`);
    return integer(key, 1, maximum) as number;
  };
  switch (knownType) {
    case 'convolution':
      return withOptional({
        type: knownType,
        filters: required('filters', limits.units),
        size: required('size', limits.window),
        stride: integer('stride', 1, limits.window),
        pad: integer('pad', 0, limits.window),
        weightInit: weightInit(fields.weightInit, label),
      });
    case 'pooling':
      return withOptional({
        type: knownType,
        size: required('size', limits.window),
        stride: integer('stride', 1, limits.window),
        pad: integer('pad', 0, limits.window),
        mode: poolingMode(fields.mode, label),
      });
    case 'affine':
      return withOptional({ type: knownType, units: required('units', limits.units), weightInit: weightInit(fields.weightInit, label) });
    case 'lrn': {
      const size = integer('size', 1, limits.window);
      if (size !== undefined && size % 2 === 0) throw new CnnError(`${label}: size must be odd, so the window centres on its channel, got ${size}`);
      return withOptional({
        type: knownType, size, k: real('k', 0, Infinity, true), alpha: real('alpha', 0, Infinity, false), beta: real('beta', 0, Infinity, false),
      });
    }
    case 'dropout':
      return withOptional({ type: knownType, rate: real('rate', 0, 1, false) });
    case 'batchnorm':
      return withOptional({ type: knownType, momentum: real('momentum', 0, 1, false), epsilon: real('epsilon', 0, Infinity, true) });
    default:
      return { type: knownType };
  }
}

function poolingMode(value: unknown, label: string): 'max' | 'average' | undefined {
  if (value === undefined || value === 'max' || value === 'average') return value;
  throw new CnnError(`${label}: mode must be "max" or "average", got ${describe(value)}`);
}

function weightInit(value: unknown, label: string): WeightInit | undefined {
  if (value === undefined || (weightInitNames as readonly unknown[]).includes(value)) return value as WeightInit | undefined;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  throw new CnnError(`${label}: weightInit must be a positive number, "he" (or "relu") or "xavier" (or "sigmoid"), got ${describe(value)}`);
}

// Leaves absent optional fields out rather than present as undefined, so a spec compares and
// serializes the same as the one that was written.
function withOptional<T extends object>(spec: T): T {
  return Object.fromEntries(Object.entries(spec).filter(([, field]) => field !== undefined)) as T;
}

// Follows the shapes as far as the geometry works; where it does not, the Network constructor reports
// the layer, so counting stops there.
export function countParameters(model: ModelSpec): number {
  return layerShapes(model).reduce((total, layer) => total + layer.parameters, 0);
}

/** Each layer's output shape and parameter count, as far as the geometry works. */
function layerShapes(model: ModelSpec): { output: number[]; parameters: number }[] {
  let shape = model.input;
  const layers: { output: number[]; parameters: number }[] = [];
  const size = (dimensions: readonly number[]) => dimensions.reduce((product, dimension) => product * dimension, 1);
  for (const spec of model.layers) {
    let parameters = 0;
    if (spec.type === 'affine') {
      parameters = (size(shape) + 1) * spec.units;
      shape = [spec.units];
    } else if (spec.type === 'convolution' || spec.type === 'pooling') {
      if (shape.length !== 3) break;
      const [C, H, W] = shape;
      const { size: window, pad = 0 } = spec;
      const stride = spec.stride ?? (spec.type === 'pooling' ? window : 1);
      const OH = (H + 2 * pad - window) / stride + 1;
      const OW = (W + 2 * pad - window) / stride + 1;
      if (!Number.isInteger(OH) || !Number.isInteger(OW) || OH < 1 || OW < 1) break;
      if (spec.type === 'convolution') parameters = spec.filters * (C * window * window + 1);
      shape = [spec.type === 'convolution' ? spec.filters : C, OH, OW];
    } else if (spec.type === 'batchnorm') {
      // gamma and beta per channel of an image, per feature of a vector.
      parameters = 2 * (shape.length === 3 ? shape[0] : size(shape));
    }
    layers.push({ output: [...shape], parameters });
  }
  return layers;
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isInteger(value: unknown, minimum: number, maximum: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= minimum && value <= maximum;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
