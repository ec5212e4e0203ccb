// Per-layer scratch buffers kept between steps: a batch of the same size reuses them instead of
// allocating megabytes every step. Returned tensors are always fresh, so a caller may keep them.

import { allocate, type DType, type FloatArray } from '../tensor/tensor.js';

export class Scratch {
  private readonly buffers = new Map<string, FloatArray>();

  constructor(private readonly dtype: DType) {}

  get(key: string, size: number): FloatArray {
    let buffer = this.buffers.get(key);
    if (buffer === undefined || buffer.length !== size) {
      buffer = allocate(size, this.dtype);
      this.buffers.set(key, buffer);
    }
    return buffer;
  }
}
