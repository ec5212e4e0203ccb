// Tensor: a shape and a flat typed array in row-major (NCHW) order. Float32Array is what the product
// trains with; Float64Array is accepted everywhere so gradient checks can run in double precision.

export type FloatArray = Float32Array | Float64Array;
export type DType = 'float32' | 'float64';

export interface Tensor {
  readonly shape: readonly number[];
  readonly data: FloatArray;
}

export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const dimension of shape) size *= dimension;
  return size;
}

export function dtypeOf(data: FloatArray): DType {
  return data instanceof Float64Array ? 'float64' : 'float32';
}

export function allocate(size: number, dtype: DType): FloatArray {
  return dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
}

export function zeros(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return { shape: [...shape], data: allocate(sizeOf(shape), dtype) };
}

export function tensor(shape: readonly number[], data: FloatArray): Tensor {
  if (sizeOf(shape) !== data.length) {
    throw new RangeError(`tensor: shape [${shape.join(',')}] needs ${sizeOf(shape)} values, got ${data.length}`);
  }
  return { shape: [...shape], data };
}

export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  return tensor(shape, x.data);
}

export function clone(x: Tensor): Tensor {
  return { shape: [...x.shape], data: x.data.slice() };
}

export function cast(x: Tensor, dtype: DType): Tensor {
  const data = allocate(x.data.length, dtype);
  data.set(x.data);
  return { shape: [...x.shape], data };
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((dimension, index) => dimension === b[index]);
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
