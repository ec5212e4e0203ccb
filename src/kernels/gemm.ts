// Matrix products, row-major. C (M,N) = op(A) (M,K) * op(B) (K,N), plus C when accumulating.
// op(A) is A (M,K) or, transposed, the transpose of A stored as (K,M); likewise op(B) from (N,K).
// gemmNaive is the readable reference; gemmBlocked is the fast TypeScript twin tested against it.

import type { FloatArray } from '../tensor/tensor.js';

export interface GemmArguments {
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
  A: FloatArray;
  B: FloatArray;
  C: FloatArray;
  accumulate: boolean;
}

export type Gemm = (args: GemmArguments) => void;

export function gemmNaive({ transA, transB, M, N, K, A, B, C, accumulate }: GemmArguments): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let sum = 0;
      for (let k = 0; k < K; k++) {
        const a = transA ? A[k * M + i] : A[i * K + k];
        const b = transB ? B[j * K + k] : B[k * N + j];
        sum += a * b;
      }
      C[i * N + j] = accumulate ? C[i * N + j] + sum : sum;
    }
  }
}

// Scratch space for packed operands, reused across calls so a training step allocates nothing.
let scratch32 = new Float32Array(0);
let scratch64 = new Float64Array(0);

function packBuffer(like: FloatArray, size: number, slot: 0 | 1): FloatArray {
  const needed = 2 * size;
  if (like instanceof Float64Array) {
    if (scratch64.length < needed) scratch64 = new Float64Array(needed);
    return scratch64.subarray(slot * size, slot * size + size);
  }
  if (scratch32.length < needed) scratch32 = new Float32Array(needed);
  return scratch32.subarray(slot * size, slot * size + size);
}

function transposeInto(source: FloatArray, rows: number, columns: number, target: FloatArray): void {
  // source is (rows, columns); target becomes (columns, rows). Tiles keep both sides in cache.
  const tile = 32;
  for (let r0 = 0; r0 < rows; r0 += tile) {
    const r1 = Math.min(r0 + tile, rows);
    for (let c0 = 0; c0 < columns; c0 += tile) {
      const c1 = Math.min(c0 + tile, columns);
      for (let r = r0; r < r1; r++) {
        for (let c = c0; c < c1; c++) target[c * rows + r] = source[r * columns + c];
      }
    }
  }
}

/**
 * The story: first make both operands plain row-major (transposing into scratch when asked), so the
 * innermost loop always walks a row of B and a row of C with unit stride. Then, four rows of C at a
 * time, each element of B loaded is used four times, and K is cut into panels that stay in cache.
 */
export function gemmBlocked(args: GemmArguments): void {
  const { transA, transB, M, N, K, C, accumulate } = args;
  const size = Math.max(M * K, K * N);
  let A = args.A;
  let B = args.B;
  if (transA) {
    const packed = packBuffer(A, size, 0).subarray(0, M * K);
    transposeInto(A, K, M, packed);
    A = packed;
  }
  if (transB) {
    const packed = packBuffer(B, size, 1).subarray(0, K * N);
    transposeInto(B, N, K, packed);
    B = packed;
  }
  if (!accumulate) C.fill(0, 0, M * N);
  const kPanel = 128;
  const nPanel = 1024;
  for (let j0 = 0; j0 < N; j0 += nPanel) {
    const j1 = Math.min(j0 + nPanel, N);
    for (let k0 = 0; k0 < K; k0 += kPanel) {
      const k1 = Math.min(k0 + kPanel, K);
      let i = 0;
      for (; i + 4 <= M; i += 4) {
        const c0 = i * N;
        const c1 = c0 + N;
        const c2 = c1 + N;
        const c3 = c2 + N;
        for (let k = k0; k < k1; k++) {
          const a0 = A[i * K + k];
          const a1 = A[(i + 1) * K + k];
          const a2 = A[(i + 2) * K + k];
          const a3 = A[(i + 3) * K + k];
          const b = k * N;
          for (let j = j0; j < j1; j++) {
            const bj = B[b + j];
            C[c0 + j] += a0 * bj;
            C[c1 + j] += a1 * bj;
            C[c2 + j] += a2 * bj;
            C[c3 + j] += a3 * bj;
          }
        }
      }
      for (; i < M; i++) {
        const c0 = i * N;
        for (let k = k0; k < k1; k++) {
          const a0 = A[i * K + k];
          const b = k * N;
          for (let j = j0; j < j1; j++) C[c0 + j] += a0 * B[b + j];
        }
      }
    }
  }
}
