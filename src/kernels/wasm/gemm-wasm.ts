// The WebAssembly SIMD matrix product (assembly/gemm.as.ts) behind the TypeScript Gemm signature,
// and the wasm-simd kernel backend built on it. Float32 work runs in WebAssembly; Float64 work (the
// gradient checks) and any engine without WebAssembly SIMD fall back to gemmBlocked.

import { Buffer } from 'node:buffer';
import type { Kernels } from '../backend.js';
import { gemmBlocked, type GemmArguments } from '../gemm.js';
import { col2im, im2col } from '../im2col.js';
import { gemmWasmBase64 } from './gemm-wasm-bytes.js';

// What assembly/gemm.as.ts exports; every address is a byte offset into `memory`.
interface GemmExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  workspaceBytes(): number;
  gemm(
    transA: boolean, transB: boolean, M: number, N: number, K: number,
    a: number, b: number, c: number, accumulate: boolean, workspace: number,
  ): void;
}

const bytes = Buffer.from(gemmWasmBase64, 'base64');
const available = WebAssembly.validate(bytes);
const wasm = available
  ? (new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as unknown as GemmExports)
  : undefined;

/** False when this engine cannot run WebAssembly SIMD; gemmWasm then runs gemmBlocked. */
export function wasmAvailable(): boolean {
  return available;
}

const pageBytes = 65536;
let heap = new Float32Array(0);

// Byte address `at` rounded up to a 64-byte cache line, so every operand starts on a fresh line.
function align(at: number): number {
  return Math.ceil(at / 64) * 64;
}

// Grows linear memory to hold `bytes` (it never shrinks, so steady shapes never allocate) and
// returns a view over all of it, renewed whenever growth replaced the buffer.
function reserve(memory: WebAssembly.Memory, bytes: number): Float32Array {
  const missing = bytes - memory.buffer.byteLength;
  if (missing > 0) memory.grow(Math.ceil(missing / pageBytes));
  if (heap.buffer !== memory.buffer) heap = new Float32Array(memory.buffer);
  return heap;
}

function prefix(values: Float32Array, length: number): Float32Array {
  return values.length === length ? values : values.subarray(0, length);
}

/**
 * Same contract as gemmBlocked: C (M,N) = op(A) (M,K) * op(B) (K,N), plus C when accumulating.
 * The story: copy A, B (and C when accumulating) into linear memory laid out as
 * [workspace | A | B | C], run the kernel, copy C back.
 */
export function gemmWasm(args: GemmArguments): void {
  const { transA, transB, M, N, K, A, B, C, accumulate } = args;
  if (!wasm || !(A instanceof Float32Array && B instanceof Float32Array && C instanceof Float32Array)) {
    gemmBlocked(args);
    return;
  }
  if (K === 0) {
    if (!accumulate) C.fill(0, 0, M * N);
    return;
  }
  const workspace = align(wasm.heapBase());
  const a = align(workspace + wasm.workspaceBytes());
  const b = align(a + 4 * M * K);
  const c = align(b + 4 * K * N);
  const memory = reserve(wasm.memory, c + 4 * M * N);
  memory.set(prefix(A, M * K), a / 4);
  memory.set(prefix(B, K * N), b / 4);
  if (accumulate) memory.set(prefix(C, M * N), c / 4);
  wasm.gemm(transA, transB, M, N, K, a, b, c, accumulate, workspace);
  C.set(memory.subarray(c / 4, c / 4 + M * N));
}

export const wasmKernels: Kernels = { name: 'wasm-simd', gemm: gemmWasm, im2col, col2im };
