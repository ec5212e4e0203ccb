// Per-layer buffers kept between steps and allocated by the kernel backend (so they live where its
// kernels read them without copying): a batch of the same size reuses them instead of allocating
// megabytes every step. A tensor a layer returns is therefore valid until that layer's next call.
// Two sizes are kept per buffer, so training batches and the larger evaluation batches between
// epochs do not drop and reallocate each other's buffers every epoch.

import { kernels } from '../kernels/backend.js';
import { dtypeOf, type DType, type FloatArray } from '../tensor/tensor.js';

export class Scratch {
  private readonly buffers = new Map<string, FloatArray[]>();
  private readonly indices = new Map<string, Int32Array[]>();

  /** dtype is the default precision: a layer with weights has theirs; one without follows its input. */
  constructor(private readonly dtype: DType = 'float32') {}

  /** A buffer of exactly `size` values of `dtype`, contents undefined. */
  get(key: string, size: number, dtype: DType = this.dtype): FloatArray {
    return recent(this.buffers, key, (buffer) => buffer.length === size && dtypeOf(buffer) === dtype, () => kernels().allocate(size, dtype));
  }

  getIndices(key: string, size: number): Int32Array {
    return recent(this.indices, key, (buffer) => buffer.length === size, () => kernels().allocateIndices(size));
  }
}

/** The buffer under `key` that fits, most recent first; a new one displaces the older of two. */
function recent<T>(map: Map<string, T[]>, key: string, fits: (buffer: T) => boolean, make: () => T): T {
  const kept = map.get(key) ?? [];
  const found = kept.find(fits);
  if (found !== undefined) return found;
  const buffer = make();
  map.set(key, [buffer, ...kept.slice(0, 1)]);
  return buffer;
}

/** A zero-filled parameter or state buffer from the kernel backend. */
export function zeroBuffer(size: number, dtype: DType): FloatArray {
  const buffer = kernels().allocate(size, dtype);
  buffer.fill(0);
  return buffer;
}
