// Per-layer buffers kept between steps and allocated by the kernel backend (so they live where its
// kernels read them without copying): a batch of the same size reuses them instead of allocating
// megabytes every step. A tensor a layer returns is therefore valid until that layer's next call.

import { kernels } from '../kernels/backend.js';
import { dtypeOf, type DType, type FloatArray } from '../tensor/tensor.js';

export class Scratch {
  private readonly buffers = new Map<string, FloatArray>();
  private readonly indices = new Map<string, Int32Array>();

  /** dtype is the default precision: a layer with weights has theirs; one without follows its input. */
  constructor(private readonly dtype: DType = 'float32') {}

  /** A buffer of exactly `size` values of `dtype`, contents undefined. */
  get(key: string, size: number, dtype: DType = this.dtype): FloatArray {
    let buffer = this.buffers.get(key);
    if (buffer === undefined || buffer.length !== size || dtypeOf(buffer) !== dtype) {
      buffer = kernels().allocate(size, dtype);
      this.buffers.set(key, buffer);
    }
    return buffer;
  }

  getIndices(key: string, size: number): Int32Array {
    let buffer = this.indices.get(key);
    if (buffer === undefined || buffer.length !== size) {
      buffer = kernels().allocateIndices(size);
      this.indices.set(key, buffer);
    }
    return buffer;
  }
}

/** A zero-filled parameter or state buffer from the kernel backend. */
export function zeroBuffer(size: number, dtype: DType): FloatArray {
  const buffer = kernels().allocate(size, dtype);
  buffer.fill(0);
  return buffer;
}
