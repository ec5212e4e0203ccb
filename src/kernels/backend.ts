// The small interface the layers compute through, so a faster backend (WASM, threads) can replace the
// TypeScript kernels without touching a layer. Float64 work always runs on the TypeScript kernels.

import { gemmBlocked, type Gemm } from './gemm.js';
import { col2im, im2col } from './im2col.js';

export interface Kernels {
  readonly name: string;
  gemm: Gemm;
  im2col: typeof im2col;
  col2im: typeof col2im;
}

export const typescriptKernels: Kernels = { name: 'typescript', gemm: gemmBlocked, im2col, col2im };

let active: Kernels = typescriptKernels;

export function kernels(): Kernels {
  return active;
}

export function useKernels(next: Kernels): void {
  active = next;
}
