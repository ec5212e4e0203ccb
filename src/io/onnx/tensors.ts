// Tensors and attributes between ONNX's protobuf objects and ours. Weights go out as raw_data,
// little-endian float32 as ONNX requires, so export then import gives the very same bits; on the way in
// raw_data and float_data are both read, and anything else (float16, doubles, external files) is named.

import { AttributeType, DataType, EXTERNAL, type AttributeProto, type TensorProto } from './schema.js';

export function floatTensor(name: string, shape: readonly number[], values: ArrayLike<number>): TensorProto {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return { name, dims: [...shape], data_type: DataType.FLOAT, raw_data: bytes };
}

export function floatAttribute(name: string, value: number): AttributeProto {
  return { name, type: AttributeType.FLOAT, f: value };
}

export function intAttribute(name: string, value: number): AttributeProto {
  return { name, type: AttributeType.INT, i: value };
}

export function intsAttribute(name: string, values: number[]): AttributeProto {
  return { name, type: AttributeType.INTS, ints: values };
}

const typeNames: Record<number, string> = {
  0: 'undefined', 1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string',
  9: 'bool', 10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64', 14: 'complex64', 15: 'complex128', 16: 'bfloat16',
};

export function typeName(dataType: number | undefined): string {
  return typeNames[dataType ?? 0] ?? `type ${dataType}`;
}

export interface FloatValues {
  shape: number[];
  data: Float32Array;
}

/** The values of a float32 tensor, or a reason it is not one (the caller adds the node's name). */
export function readFloatTensor(tensor: TensorProto): FloatValues | string {
  const label = `tensor ${JSON.stringify(tensor.name ?? '')}`;
  if (tensor.data_location === EXTERNAL) return `${label} keeps its values in an external file, which cnn does not read`;
  if (tensor.data_type !== DataType.FLOAT) return `${label} is ${typeName(tensor.data_type)}; cnn holds float32 only`;
  const shape = tensor.dims ?? [];
  const count = shape.reduce((product, dimension) => product * dimension, 1);
  if (shape.some((dimension) => !Number.isSafeInteger(dimension) || dimension < 0)) return `${label} has a bad shape [${shape.join(',')}]`;
  const raw = tensor.raw_data;
  if (raw !== undefined && raw.length > 0) {
    if (raw.length !== count * 4) return `${label} holds ${raw.length} bytes, but its shape [${shape.join(',')}] needs ${count * 4}`;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = view.getFloat32(i * 4, true);
    return { shape, data };
  }
  const values = tensor.float_data ?? [];
  if (values.length !== count) return `${label} holds ${values.length} values, but its shape [${shape.join(',')}] needs ${count}`;
  return { shape, data: Float32Array.from(values) };
}

/** The values of an int64 tensor (a Reshape's target shape), as numbers. */
export function readIntegerTensor(tensor: TensorProto): number[] | string {
  const label = `tensor ${JSON.stringify(tensor.name ?? '')}`;
  if (tensor.data_location === EXTERNAL) return `${label} keeps its values in an external file, which cnn does not read`;
  if (tensor.data_type !== DataType.INT64) return `${label} is ${typeName(tensor.data_type)}, expected int64`;
  const count = (tensor.dims ?? []).reduce((product, dimension) => product * dimension, 1);
  const raw = tensor.raw_data;
  if (raw !== undefined && raw.length > 0) {
    if (raw.length !== count * 8) return `${label} holds ${raw.length} bytes, but its shape needs ${count * 8}`;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    return Array.from({ length: count }, (_, i) => Number(view.getBigInt64(i * 8, true)));
  }
  const values = tensor.int64_data ?? [];
  if (values.length !== count) return `${label} holds ${values.length} values, but its shape needs ${count}`;
  return values.map(Number);
}

/** A node's attributes by name, as plain numbers, number lists or strings. */
export function attributeValues(attributes: readonly AttributeProto[] | undefined): Map<string, number | number[] | string | TensorProto> {
  const values = new Map<string, number | number[] | string | TensorProto>();
  for (const attribute of attributes ?? []) {
    const name = attribute.name ?? '';
    if (attribute.type === AttributeType.FLOAT) values.set(name, attribute.f ?? 0);
    else if (attribute.type === AttributeType.INT) values.set(name, attribute.i ?? 0);
    else if (attribute.type === AttributeType.INTS) values.set(name, attribute.ints ?? []);
    else if (attribute.type === AttributeType.FLOATS) values.set(name, attribute.floats ?? []);
    else if (attribute.type === AttributeType.STRING) values.set(name, new TextDecoder().decode(attribute.s ?? new Uint8Array()));
    else if (attribute.type === AttributeType.TENSOR && attribute.t !== undefined) values.set(name, attribute.t);
  }
  return values;
}
