// The small interface the layers compute through, so a faster backend (WebAssembly, threads) can
// replace the TypeScript kernels without touching a layer. Each backend implements it (backend.ts
// holds the TypeScript one and picks the active backend; wasm/wasm-kernels.ts the WebAssembly one).

import type { DType, FloatArray } from '../tensor/tensor.js';
import type {
  adamUpdate, averagePoolBackward, bytesToUnit, averagePoolForward, gatherColumns, maxPoolBackward, maxPoolForward, momentumUpdate,
  planesToRows, reluBackward, reluForward, rowsToPlanes, scaledUpdate, scatterColumns, sgdUpdate, sigmoidBackward, sigmoidForward,
} from './elementwise.js';
import type { PoolGeometry } from './elementwise.js';
import type { Gemm } from './gemm.js';
import type { col2im, im2col, WindowGeometry } from './im2col.js';
import type { lrnBackward, lrnForward } from './normalization.js';

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
  sgdUpdate: typeof sgdUpdate;
  momentumUpdate: typeof momentumUpdate;
  scaledUpdate: typeof scaledUpdate;
  bytesToUnit: typeof bytesToUnit;
  gatherColumns: typeof gatherColumns;
  scatterColumns: typeof scatterColumns;
  /**
   * Optional: convolution straight from the image, for a backend where that beats im2col (the
   * WebAssembly one, for stride 1 without padding). Only for a layer that needs no input gradient,
   * since it never builds the col that the input gradient goes back through.
   */
  directConvolution?: DirectConvolution;
  /** A buffer of `length` values, contents undefined. */
  allocate(length: number, dtype: DType): FloatArray;
  allocateIndices(length: number): Int32Array;
  /** A byte buffer where bytesToUnit reads without a copy. */
  allocateBytes(length: number): Uint8Array;
}

export interface DirectConvolution {
  supports(g: WindowGeometry): boolean;
  /** x (N,C,H,W), weights (F,C,KH,KW), bias (F) -> out (N,F,OH,OW); see conv2dDirect. */
  forward(x: FloatArray, weights: FloatArray, bias: FloatArray, F: number, g: WindowGeometry, out: FloatArray): void;
  /** dW (F,C,KH,KW) and db (F) from x and dout (N,F,OH,OW); see convWeightGradientDirect. */
  weightGradient(x: FloatArray, dout: FloatArray, F: number, g: WindowGeometry, dW: FloatArray, db: FloatArray): void;
  /**
   * forward, then ReLU and max pooling (geometry `pool`, no padding) of its maps, without keeping the
   * maps: out (N,F,PH,PW) as maxPoolForward gives it, and winners: for each pooled unit, where the
   * patch of its window's winner starts in the image (oh * W + ow), or -1 where the maximum is not
   * above zero (ReLU stopped its gradient); see convReluPoolDirect.
   */
  forwardPooled(
    x: FloatArray, weights: FloatArray, bias: FloatArray, F: number, g: WindowGeometry, pool: PoolGeometry, out: FloatArray,
    winners: Int32Array,
  ): void;
  /**
   * The weight gradient from the gradient of ReLU then max pooling (geometry `pool`, no padding) after the
   * convolution: dpool and the winners forwardPooled gave; see convWeightGradientPooled.
   */
  pooledWeightGradient(
    x: FloatArray, dpool: FloatArray, winners: Int32Array, pool: PoolGeometry, F: number, g: WindowGeometry,
    dW: FloatArray, db: FloatArray,
  ): void;
}
