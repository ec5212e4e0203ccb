// The active backend of the Kernels interface (kernels.ts): the WebAssembly one where the engine runs
// it, else the TypeScript kernels defined here. Float64 work always runs the TypeScript kernels. A
// backend also allocates the layers' buffers, so it can place them where its kernels read them
// without a copy.

import { allocate } from '../tensor/tensor.js';
import {
  adamUpdate, averagePoolBackward, averagePoolForward, bytesToUnit, gatherColumns, maxPoolBackward, maxPoolForward, momentumUpdate,
  planesToRows, reluBackward, reluForward, rowsToPlanes, scaledUpdate, scatterColumns, sgdUpdate, sigmoidBackward, sigmoidForward,
} from './elementwise.js';
import { gemmBlocked } from './gemm.js';
import { col2im, im2col } from './im2col.js';
import type { Kernels } from './kernels.js';
import { lrnBackward, lrnForward } from './normalization.js';
import { threadCount } from './wasm/threads.js';
import { setThreads as setWasmThreads, wasmAvailable, wasmKernels } from './wasm/wasm-kernels.js';

export const typescriptKernels: Kernels = {
  name: 'typescript',
  gemm: gemmBlocked,
  im2col,
  col2im,
  reluForward,
  reluBackward,
  sigmoidForward,
  sigmoidBackward,
  rowsToPlanes,
  planesToRows,
  maxPoolForward,
  maxPoolBackward,
  averagePoolForward,
  averagePoolBackward,
  lrnForward,
  lrnBackward,
  adamUpdate,
  sgdUpdate,
  momentumUpdate,
  scaledUpdate,
  bytesToUnit,
  gatherColumns,
  scatterColumns,
  allocate,
  allocateIndices: (length) => new Int32Array(length),
  allocateBytes: (length) => new Uint8Array(length),
};

// WebAssembly SIMD when the engine has it (Node 20 does); the TypeScript kernels otherwise.
let active: Kernels = wasmAvailable() ? wasmKernels : typescriptKernels;

export function kernels(): Kernels {
  return active;
}

export function useKernels(next: Kernels): void {
  active = next;
}

/**
 * Runs the WebAssembly kernels on `count` threads, this one included (the CLI passes --threads,
 * default every core). Results are exactly reproducible for a given thread count; different counts
 * sum some products in a different order, so their last bits may differ.
 */
export function setThreadCount(count: number): void {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`thread count must be a positive integer, got ${count}`);
  setWasmThreads(count);
}

export function activeThreadCount(): number {
  return active === wasmKernels ? threadCount() : 1;
}
