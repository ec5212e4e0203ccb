// The small interface the layers compute through, so a faster backend (WebAssembly, threads) can
// replace the TypeScript kernels without touching a layer. Float64 work always runs the TypeScript
// kernels. A backend also allocates the layers' buffers, so it can place them where its kernels
// read them without a copy.

import { allocate, type DType, type FloatArray } from '../tensor/tensor.js';
import {
  adamUpdate, averagePoolBackward, averagePoolForward, maxPoolBackward, maxPoolForward, planesToRows, reluBackward,
  reluForward, rowsToPlanes, sigmoidBackward, sigmoidForward,
} from './elementwise.js';
import { gemmBlocked, type Gemm } from './gemm.js';
import { col2im, im2col, type WindowGeometry } from './im2col.js';
import { lrnBackward, lrnForward } from './normalization.js';
import { threadCount } from './wasm/threads.js';
import { setThreads as setWasmThreads, wasmAvailable, wasmKernels } from './wasm/wasm-kernels.js';

export interface Kernels {
  readonly name: string;
  gemm: Gemm;
  im2col: typeof im2col;
  col2im: typeof col2im;
  reluForward: typeof reluForward;
  reluBackward: typeof reluBackward;
  sigmoidForward: typeof sigmoidForward;
  sigmoidBackward: typeof sigmoidBackward;
  rowsToPlanes: typeof rowsToPlanes;
  planesToRows: typeof planesToRows;
  maxPoolForward: typeof maxPoolForward;
  maxPoolBackward: typeof maxPoolBackward;
  averagePoolForward: typeof averagePoolForward;
  averagePoolBackward: typeof averagePoolBackward;
  lrnForward: typeof lrnForward;
  lrnBackward: typeof lrnBackward;
  adamUpdate: typeof adamUpdate;
  /**
   * Optional: convolution straight from the image, for a backend where that beats im2col (the
   * WebAssembly one, for stride 1 without padding). Only for a layer that needs no input gradient,
   * since it never builds the col that the input gradient goes back through.
   */
  directConvolution?: DirectConvolution;
  /** A buffer of `length` values, contents undefined. */
  allocate(length: number, dtype: DType): FloatArray;
  allocateIndices(length: number): Int32Array;
}

export interface DirectConvolution {
  supports(g: WindowGeometry): boolean;
  /** x (N,C,H,W), weights (F,C,KH,KW), bias (F) -> out (N,F,OH,OW); see conv2dDirect. */
  forward(x: FloatArray, weights: FloatArray, bias: FloatArray, F: number, g: WindowGeometry, out: FloatArray): void;
  /** dW (F,C,KH,KW) and db (F) from x and dout (N,F,OH,OW); see convWeightGradientDirect. */
  weightGradient(x: FloatArray, dout: FloatArray, F: number, g: WindowGeometry, dW: FloatArray, db: FloatArray): void;
}

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
  allocate,
  allocateIndices: (length) => new Int32Array(length),
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
