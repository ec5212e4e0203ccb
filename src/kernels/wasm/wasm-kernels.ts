// The WebAssembly SIMD backend: the kernels of assembly/*.as.ts behind the Kernels interface.
// Float32 buffers that live in the arena go to WebAssembly by address, with no copy. Anything else
// takes the TypeScript twin (Float64 gradient checks, an engine without WebAssembly SIMD), except
// the matrix product, whose float32 operands are worth copying in: it is where the time goes.

import type { DType, FloatArray } from '../../tensor/tensor.js';
import { allocate } from '../../tensor/tensor.js';
import type { DirectConvolution, Kernels } from '../kernels.js';
import { conv2dDirect, convReluPoolDirect, convWeightGradientDirect, convWeightGradientPooled } from '../conv-direct.js';
import * as reference from '../elementwise.js';
import type { PoolGeometry } from '../elementwise.js';
import { lrnBackward, lrnForward } from '../normalization.js';
import { gemmBlocked, type GemmArguments } from '../gemm.js';
import { col2im, im2col, type WindowGeometry } from '../im2col.js';
import { addressOf, arenaFloat32, arenaInt32, arenaUint8, memory, reserveLowMemory } from './arena.js';
import { runParallel, shares, startThreads, threadCount, type Job } from './threads.js';
import { kernelBuild, kernelsModule } from './kernel-module.js';

// What assembly/index.as.ts exports; every address is a byte offset into the shared memory.
interface KernelExports {
  heapBase(): number;
  workspaceBytes(): number;
  gemm(transA: boolean, transB: boolean, M: number, N: number, K: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number, accumulate: boolean, workspace: number): void;
  reluForward(x: number, y: number, n: number): void;
  reluBackward(dout: number, y: number, dx: number, n: number): void;
  sigmoidForward(x: number, y: number, n: number): void;
  sigmoidBackward(dout: number, y: number, dx: number, n: number): void;
  im2col(x: number, N: number, C: number, H: number, W: number, KH: number, KW: number, stride: number, pad: number, OH: number, OW: number, col: number): void;
  col2im(col: number, N: number, C: number, H: number, W: number, KH: number, KW: number, stride: number, pad: number, OH: number, OW: number, x: number): void;
  rowsToPlanes(product: number, bias: number, N: number, F: number, P: number, out: number): void;
  planesToRows(dout: number, N: number, F: number, P: number, rows: number, dbias: number): void;
  maxPoolForward(x: number, first: number, planes: number, H: number, W: number, size: number, stride: number, pad: number, OH: number, OW: number, out: number, argmax: number, relu: boolean): void;
  maxPoolWinners(x: number, planes: number, H: number, W: number, size: number, stride: number, OH: number, OW: number, out: number, winners: number, imageW: number): void;
  maxPoolBackward(dout: number, argmax: number, outputs: number, dx: number, zeroFrom: number, zeroCount: number): void;
  averagePoolForward(x: number, first: number, planes: number, H: number, W: number, size: number, stride: number, pad: number, OH: number, OW: number, out: number): void;
  averagePoolBackward(dout: number, first: number, planes: number, H: number, W: number, size: number, stride: number, pad: number, OH: number, OW: number, dx: number): void;
  lrnForward(x: number, first: number, count: number, C: number, plane: number, size: number, k: number, alpha: number, beta: number, scale: number, factor: number, out: number): void;
  lrnBackward(dout: number, x: number, scale: number, factor: number, first: number, count: number, C: number, plane: number, size: number, alpha: number, beta: number, weighted: number, dx: number): void;
  adamUpdate(w: number, g: number, m: number, v: number, n: number, stepSize: number, beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number): void;
  bytesToUnit(bytes: number, out: number, n: number): void;
  sgdUpdate(w: number, g: number, n: number, lr: number): void;
  momentumUpdate(w: number, g: number, v: number, n: number, lr: number, momentum: number, nesterov: boolean): void;
  scaledUpdate(w: number, g: number, h: number, n: number, lr: number, decay: number, rate: number): void;
  gatherColumns(source: number, first: number, rows: number, stride: number, columns: number, count: number, target: number): void;
  scatterColumns(source: number, first: number, rows: number, count: number, columns: number, stride: number, target: number): void;
  multiplyAddPeak(iterations: number): number;
  addInto(target: number, source: number, n: number): void;
  convolutionForward(x: number, weights: number, bias: number, first: number, count: number, C: number, H: number, W: number, F: number, K: number, OH: number, OW: number, out: number): void;
  convolutionWeightGradient(x: number, dout: number, N: number, C: number, H: number, W: number, first: number, count: number, F: number, K: number, OH: number, OW: number, dW: number, db: number): void;
  convolutionReluPool(x: number, weights: number, bias: number, first: number, count: number, C: number, H: number, W: number, F: number, K: number, size: number, stride: number, scratch: number, out: number, winners: number): void;
  convolutionWeightGradientPooled(x: number, dpool: number, winners: number, N: number, C: number, H: number, W: number, first: number, count: number, F: number, K: number, size: number, stride: number, dW: number, db: number, workspace: number): void;
}

const available = kernelsModule !== undefined;

export function instantiateKernels(): KernelExports {
  const imports = { env: { memory: memory as WebAssembly.Memory } };
  return new WebAssembly.Instance(kernelsModule as WebAssembly.Module, imports).exports as unknown as KernelExports;
}

const wasm = available ? instantiateKernels() : undefined;
const workspace = wasm ? Math.ceil(wasm.heapBase() / 64) * 64 : 0;
if (wasm) reserveLowMemory(workspace + wasm.workspaceBytes());

/** False when this engine cannot run WebAssembly SIMD; the TypeScript kernels are used then. */
export function wasmAvailable(): boolean {
  return available;
}

// Threads. Thread 0 is this one; its matrix-product workspace sits below the arena, the others'
// are arena blocks, kept alive here. A product split along K leaves partial sums in `partials`.
let workspaces: number[] = [workspace];
let workspaceViews: Float32Array[] = [];
const partials: Float32Array[] = [];

function runJob({ name, args }: Job): void {
  (wasm as unknown as Record<string, (...values: number[]) => void>)[name](...args);
}

/** Runs the kernels on `count` threads (the main one included); 1 stops the workers. */
export function setThreads(count: number): void {
  if (!wasm || !kernelsModule) return;
  const bytes = wasm.workspaceBytes();
  workspaceViews = [];
  for (let thread = 1; thread < count; thread++) {
    const view = arenaFloat32(bytes / 4);
    if (view === undefined) break;
    workspaceViews.push(view);
  }
  workspaces = [workspace, ...workspaceViews.map((view) => view.byteOffset)];
  startThreads(workspaces.length, kernelsModule, runJob);
}

function partial(thread: number, length: number): number {
  if (partials[thread] === undefined || partials[thread].length < length) {
    partials[thread] = arenaFloat32(length) ?? new Float32Array(0);
  }
  return partials[thread].length >= length ? partials[thread].byteOffset : -1;
}

// Work below this many multiply-adds (or elements) is not worth waking another thread for.
const parallelThreshold = 1 << 18;

/**
 * The product on all threads. A deep product (K much larger than M and N: a weight gradient) is
 * split along K, each thread summing its part into its own buffer, added up in thread order after;
 * otherwise the larger of M and N is split into blocks of whole micro-tiles.
 */
function parallelGemm(transA: boolean, transB: boolean, M: number, N: number, K: number, a: number, b: number, c: number, accumulate: boolean): void {
  const kernels = wasm as KernelExports;
  const lda = transA ? M : K;
  const ldb = transB ? K : N;
  const threads = threadCount();
  if (threads === 1 || M * N * K < parallelThreshold) {
    kernels.gemm(transA, transB, M, N, K, a, lda, b, ldb, c, N, accumulate, workspaces[0]);
    return;
  }
  const job = (m: number, n: number, k: number, aAt: number, bAt: number, cAt: number, add: boolean, thread: number): Job => ({
    name: 'gemm', args: [+transA, +transB, m, n, k, aAt, lda, bAt, ldb, cAt, N, +add, workspaces[thread]],
  });
  const jobs: Job[] = [];
  const deep = K >= 8 * Math.max(M, N);
  const depth = deep ? shares(K, threads, 4) : [];
  // Each thread past the first needs an arena buffer for its partial sum; without one, split rows.
  const targets = depth.map((_, thread) => (thread === 0 ? c : partial(thread, M * N)));
  if (deep && targets.every((target) => target >= 0)) {
    depth.forEach(([k0, k1], thread) => {
      const aAt = a + 4 * (transA ? k0 * lda : k0);
      const bAt = b + 4 * (transB ? k0 : k0 * ldb);
      jobs.push(job(M, N, k1 - k0, aAt, bAt, targets[thread], thread === 0 && accumulate, thread));
    });
    runParallel(jobs);
    for (let thread = 1; thread < jobs.length; thread++) kernels.addInto(c, targets[thread], M * N);
    return;
  }
  if (M >= N) {
    shares(M, threads, 4).forEach(([i0, i1], thread) => {
      jobs.push(job(i1 - i0, N, K, a + 4 * (transA ? i0 : i0 * lda), b, c + 4 * i0 * N, accumulate, thread));
    });
  } else {
    shares(N, threads, 8).forEach(([j0, j1], thread) => {
      jobs.push(job(M, j1 - j0, K, a, b + 4 * (transB ? j0 * ldb : j0), c + 4 * j0, accumulate, thread));
    });
  }
  runParallel(jobs);
}

/**
 * For the benchmark: GFLOP/s of `iterations` rounds of pure multiply-adds (96 flops a round) on
 * every thread at once, the ceiling any kernel of this build can reach here. Short calls first, so
 * that V8 has moved the function from its baseline compiler to its optimizing one (a call that is
 * running keeps the code it started with); then the best of three timed calls.
 */
export function multiplyAddPeakGflops(iterations: number): number {
  if (!wasm) return 0;
  const threads = threadCount();
  const run = (count: number) => {
    if (threads === 1) wasm!.multiplyAddPeak(count);
    else runParallel(Array.from({ length: threads }, () => ({ name: 'multiplyAddPeak' as const, args: [count] })));
  };
  for (let call = 0; call < 200; call++) run(20_000);
  let best = Infinity;
  for (let attempt = 0; attempt < 3; attempt++) {
    const started = performance.now();
    run(iterations);
    best = Math.min(best, performance.now() - started);
  }
  return (96 * iterations * threads) / (best / 1000) / 1e9;
}

/** Runs `name` once per share of [0, total), or here alone when the work is small; `thread` is the index of
 * the thread a share runs on, so a job can take that thread's workspace. */
function parallelRanges(
  name: Job['name'], total: number, work: number, unit: number, args: (start: number, end: number, thread: number) => number[],
): void {
  const ranges = threadCount() > 1 && work >= parallelThreshold ? shares(total, threadCount(), unit) : [[0, total] as [number, number]];
  if (ranges.length === 1) runJob({ name, args: args(0, total, 0) });
  else runParallel(ranges.map(([start, end], thread) => ({ name, args: args(start, end, thread) })));
}

/**
 * A pooling kernel split by whole planes. Its arguments: the input's address, the first plane and
 * how many, the geometry, then the outputs' addresses.
 */
function byPlanes(name: Job['name'], g: PoolGeometry, input: number, ...outputs: number[]): void {
  parallelRanges(name, g.planes, g.planes * g.H * g.W, 1, (first, end) => [
    input, first, end - first, g.H, g.W, g.size, g.stride, g.pad, g.OH, g.OW, ...outputs,
  ]);
}

/**
 * An optimizer's kernel over n weights and their state: its arguments are each view's address, the
 * count, then the scalars. Each weight's update reads only its own values, so any split by ranges gives
 * the same numbers. False, with nothing done, where a view is not float32 in the arena.
 */
function byElements(name: Job['name'], views: FloatArray[], n: number, scalars: number[]): boolean {
  const at = addresses(...views);
  if (!wasm || !at) return false;
  parallelRanges(name, n, n, 16, (i0, i1) => [...at.map((address) => address + 4 * i0), i1 - i0, ...scalars]);
  return true;
}

/** Addresses of all the buffers when every one is float32 in the arena, else undefined. */
function addresses(...views: (FloatArray | Int32Array)[]): number[] | undefined {
  const result: number[] = [];
  for (const view of views) {
    if (view instanceof Float64Array) return undefined;
    const address = addressOf(view);
    if (address < 0) return undefined;
    result.push(address);
  }
  return result;
}

// Staging buffers for matrix-product operands that live outside the arena, kept between calls.
const staging: Float32Array[] = [];
function stage(slot: number, source: Float32Array, length: number, copy: boolean): Float32Array {
  let buffer = staging[slot];
  if (buffer === undefined || buffer.length < length) {
    buffer = arenaFloat32(Math.max(length, 1024)) ?? new Float32Array(0);
    staging[slot] = buffer;
  }
  if (copy) buffer.set(length === source.length ? source : source.subarray(0, length));
  return buffer;
}

/** C (M,N) = op(A) (M,K) * op(B) (K,N) [+ C]; the contract of gemmBlocked, in WebAssembly SIMD. */
export function gemmWasm(args: GemmArguments): void {
  const { transA, transB, M, N, K, accumulate } = args;
  if (!wasm || !(args.A instanceof Float32Array && args.B instanceof Float32Array && args.C instanceof Float32Array)) {
    gemmBlocked(args);
    return;
  }
  if (K === 0) {
    if (!accumulate) args.C.fill(0, 0, M * N);
    return;
  }
  const A = addressOf(args.A) >= 0 ? args.A : stage(0, args.A, M * K, true);
  const B = addressOf(args.B) >= 0 ? args.B : stage(1, args.B, K * N, true);
  const C = addressOf(args.C) >= 0 ? args.C : stage(2, args.C, M * N, accumulate);
  if (addressOf(A) < 0 || addressOf(B) < 0 || addressOf(C) < 0) {
    gemmBlocked(args); // the arena is full
    return;
  }
  parallelGemm(transA, transB, M, N, K, A.byteOffset, B.byteOffset, C.byteOffset, accumulate);
  if (C !== args.C) args.C.set(C.subarray(0, M * N));
}

// Bytes outside the arena (a dataset's images) are copied into this buffer, kept between calls.
let byteStaging: Uint8Array = new Uint8Array(0);
function arenaBytesOf(bytes: Uint8Array, n: number): number {
  if (addressOf(bytes) >= 0) return bytes.byteOffset;
  if (byteStaging.length < n) byteStaging = arenaUint8(Math.max(n, 1 << 16)) ?? new Uint8Array(0);
  byteStaging.set(bytes.subarray(0, n));
  return byteStaging.byteOffset;
}

/** A float32 input outside the arena (a batch) copied into staging slot 3; anything else as it is. */
function arenaInput(x: FloatArray, length: number): FloatArray {
  return x instanceof Float32Array && addressOf(x) < 0 ? stage(3, x, length, true) : x;
}

const directConvolution: DirectConvolution = {
  supports: (g) => available && g.stride === 1 && g.pad === 0 && g.KH === g.KW,
  forward(x, weights, bias, F, g, out) {
    const at = addresses(arenaInput(x, g.N * g.C * g.H * g.W), weights, bias, out);
    if (!wasm || !at) return conv2dDirect(x, weights, bias, F, g, out);
    parallelRanges('convolutionForward', g.N, g.N * F * g.OH * g.OW * g.C * g.KH * g.KW, 1, (n0, n1) => [
      at[0], at[1], at[2], n0, n1 - n0, g.C, g.H, g.W, F, g.KH, g.OH, g.OW, at[3],
    ]);
  },
  weightGradient(x, dout, F, g, dW, db) {
    const at = addresses(arenaInput(x, g.N * g.C * g.H * g.W), dout, dW, db);
    if (!wasm || !at) return convWeightGradientDirect(x, dout, F, g, dW, db);
    parallelRanges('convolutionWeightGradient', F, g.N * F * g.OH * g.OW * g.C * g.KH * g.KW, 1, (f0, f1) => [
      at[0], at[1], g.N, g.C, g.H, g.W, f0, f1 - f0, F, g.KH, g.OH, g.OW, at[2], at[3],
    ]);
  },
  forwardPooled(x, weights, bias, F, g, pool, out, winners) {
    const at = addresses(arenaInput(x, g.N * g.C * g.H * g.W), weights, bias, out, winners);
    if (!wasm || !at) return convReluPoolDirect(x, weights, bias, F, g, pool, out, winners);
    // Each thread convolves its images into its own matrix-product workspace, where one image's maps
    // must fit (they do for any first layer on MNIST: 30 maps of 24x24 take an eighth of it).
    if (4 * F * g.OH * g.OW > wasm.workspaceBytes()) {
      const maps = arenaFloat32(g.N * F * g.OH * g.OW);
      if (maps === undefined) return convReluPoolDirect(x, weights, bias, F, g, pool, out, winners);
      directConvolution.forward(x, weights, bias, F, g, maps);
      wasm.maxPoolWinners(addressOf(maps), g.N * F, g.OH, g.OW, pool.size, pool.stride, pool.OH, pool.OW, at[3], at[4], g.W);
      return;
    }
    const threads = threadCount() > 1 && g.N * F * g.OH * g.OW * g.C * g.KH * g.KW >= parallelThreshold ? threadCount() : 1;
    const jobs = shares(g.N, threads, 1).map(([n0, n1], thread): Job => ({
      name: 'convolutionReluPool',
      args: [at[0], at[1], at[2], n0, n1 - n0, g.C, g.H, g.W, F, g.KH, pool.size, pool.stride, workspaces[thread], at[3], at[4]],
    }));
    if (jobs.length === 1) runJob(jobs[0]);
    else runParallel(jobs);
  },
  pooledWeightGradient(x, dpool, winners, pool, F, g, dW, db) {
    const at = addresses(arenaInput(x, g.N * g.C * g.H * g.W), dpool, winners, dW, db);
    if (!wasm || !at) return convWeightGradientPooled(x, dpool, winners, pool, F, g, dW, db);
    // Split by filters, as the dense gradient: each thread owns its filters' weights, and gathers the
    // winners it needs in its own workspace.
    parallelRanges('convolutionWeightGradientPooled', F, g.N * F * pool.OH * pool.OW * g.C * g.KH * g.KW, 1, (f0, f1, thread) => [
      at[0], at[1], at[2], g.N, g.C, g.H, g.W, f0, f1 - f0, F, g.KH, pool.size, pool.stride, at[3], at[4], workspaces[thread],
    ]);
  },
};

export const wasmKernels: Kernels = {
  directConvolution,
  name: kernelBuild ?? 'wasm-simd',
  gemm: gemmWasm,
  im2col(x: FloatArray, g: WindowGeometry, col: FloatArray) {
    // The first layer's input is a batch from outside the arena: worth copying in (it is 25 times
    // smaller than the col it becomes), so conv1 gets the fast path too.
    const at = addresses(arenaInput(x, g.N * g.C * g.H * g.W), col);
    if (!wasm || !at) return im2col(x, g, col);
    const image = g.C * g.H * g.W;
    const rows = g.OH * g.OW * g.C * g.KH * g.KW;
    parallelRanges('im2col', g.N, g.N * rows, 1, (n0, n1) => [
      at[0] + 4 * n0 * image, n1 - n0, g.C, g.H, g.W, g.KH, g.KW, g.stride, g.pad, g.OH, g.OW, at[1] + 4 * n0 * rows,
    ]);
  },
  col2im(col: FloatArray, g: WindowGeometry, x: FloatArray) {
    const at = addresses(col, x);
    if (!wasm || !at) return col2im(col, g, x);
    const image = g.C * g.H * g.W;
    const rows = g.OH * g.OW * g.C * g.KH * g.KW;
    parallelRanges('col2im', g.N, g.N * rows, 1, (n0, n1) => [
      at[0] + 4 * n0 * rows, n1 - n0, g.C, g.H, g.W, g.KH, g.KW, g.stride, g.pad, g.OH, g.OW, at[1] + 4 * n0 * image,
    ]);
  },
  reluForward(x, y, n) {
    const at = addresses(x, y);
    if (!wasm || !at) return reference.reluForward(x, y, n);
    parallelRanges('reluForward', n, n, 16, (i0, i1) => [at[0] + 4 * i0, at[1] + 4 * i0, i1 - i0]);
  },
  reluBackward(dout, y, dx, n) {
    const at = addresses(dout, y, dx);
    if (!wasm || !at) return reference.reluBackward(dout, y, dx, n);
    parallelRanges('reluBackward', n, n, 16, (i0, i1) => [at[0] + 4 * i0, at[1] + 4 * i0, at[2] + 4 * i0, i1 - i0]);
  },
  sigmoidForward(x, y, n) {
    const at = addresses(x, y);
    if (!wasm || !at) return reference.sigmoidForward(x, y, n);
    // An exp per value: worth a thread from a sixteenth of the size a ReLU needs.
    parallelRanges('sigmoidForward', n, 16 * n, 16, (i0, i1) => [at[0] + 4 * i0, at[1] + 4 * i0, i1 - i0]);
  },
  sigmoidBackward(dout, y, dx, n) {
    const at = addresses(dout, y, dx);
    if (!wasm || !at) return reference.sigmoidBackward(dout, y, dx, n);
    parallelRanges('sigmoidBackward', n, n, 16, (i0, i1) => [at[0] + 4 * i0, at[1] + 4 * i0, at[2] + 4 * i0, i1 - i0]);
  },
  rowsToPlanes(product, bias, N, F, P, out) {
    const at = addresses(product, bias, out);
    if (!wasm || !at) return reference.rowsToPlanes(product, bias, N, F, P, out);
    parallelRanges('rowsToPlanes', N, N * F * P, 1, (n0, n1) => [at[0] + 4 * n0 * P * F, at[1], n1 - n0, F, P, at[2] + 4 * n0 * F * P]);
  },
  planesToRows(dout, N, F, P, rows, dbias) {
    const at = addresses(dout, rows, dbias);
    if (!wasm || !at) return reference.planesToRows(dout, N, F, P, rows, dbias);
    wasm.planesToRows(at[0], N, F, P, at[1], at[2]);
  },
  maxPoolForward(x, g, out, argmax, relu = false) {
    const at = addresses(x, out, argmax);
    if (!wasm || !at) return reference.maxPoolForward(x, g, out, argmax, relu);
    byPlanes('maxPoolForward', g, at[0], at[1], at[2], +relu);
  },
  maxPoolBackward(dout, argmax, outputs, dx, inputs, planes = 1) {
    const at = addresses(dout, argmax, dx);
    if (!wasm || !at) return reference.maxPoolBackward(dout, argmax, outputs, dx, inputs, planes);
    // Split by whole planes: a plane's outputs only reach its own inputs, so no two threads add into
    // one value, and each value sums its gradients in the same order whatever the thread count.
    const outputsPerPlane = outputs / planes;
    const inputsPerPlane = inputs / planes;
    parallelRanges('maxPoolBackward', planes, inputs, 1, (first, end) => [
      at[0] + 4 * first * outputsPerPlane, at[1] + 4 * first * outputsPerPlane, (end - first) * outputsPerPlane, at[2],
      first * inputsPerPlane, (end - first) * inputsPerPlane,
    ]);
  },
  averagePoolForward(x, g, out) {
    const at = addresses(x, out);
    if (!wasm || !at) return reference.averagePoolForward(x, g, out);
    byPlanes('averagePoolForward', g, at[0], at[1]);
  },
  averagePoolBackward(dout, g, dx) {
    const at = addresses(dout, dx);
    if (!wasm || !at) return reference.averagePoolBackward(dout, g, dx);
    // By whole planes, as max pooling's backward: each value sums in one fixed order.
    byPlanes('averagePoolBackward', g, at[0], at[1]);
  },
  lrnForward(x, g, scale, factor, out) {
    const at = addresses(x, scale, factor, out);
    if (!wasm || !at) return lrnForward(x, g, scale, factor, out);
    // Images are independent: split by whole images.
    parallelRanges('lrnForward', g.N, g.N * g.C * g.plane * g.size, 1, (n0, n1) => [
      at[0], n0, n1 - n0, g.C, g.plane, g.size, g.k, g.alpha, g.beta, at[1], at[2], at[3],
    ]);
  },
  lrnBackward(dout, x, scale, factor, g, weighted, dx) {
    const at = addresses(dout, x, scale, factor, weighted, dx);
    if (!wasm || !at) return lrnBackward(dout, x, scale, factor, g, weighted, dx);
    parallelRanges('lrnBackward', g.N, g.N * g.C * g.plane * g.size, 1, (n0, n1) => [
      at[0], at[1], at[2], at[3], n0, n1 - n0, g.C, g.plane, g.size, g.alpha, g.beta, at[4], at[5],
    ]);
  },
  adamUpdate(w, g, m, v, n, stepSize, beta1, beta2) {
    if (!byElements('adamUpdate', [w, g, m, v], n, [stepSize, beta1, 1 - beta1, beta2, 1 - beta2])) {
      reference.adamUpdate(w, g, m, v, n, stepSize, beta1, beta2);
    }
  },
  sgdUpdate(w, g, n, lr) {
    if (!byElements('sgdUpdate', [w, g], n, [lr])) reference.sgdUpdate(w, g, n, lr);
  },
  momentumUpdate(w, g, v, n, lr, momentum, nesterov) {
    if (!byElements('momentumUpdate', [w, g, v], n, [lr, momentum, +nesterov])) reference.momentumUpdate(w, g, v, n, lr, momentum, nesterov);
  },
  scaledUpdate(w, g, h, n, lr, decay, rate) {
    if (!byElements('scaledUpdate', [w, g, h], n, [lr, decay, rate])) reference.scaledUpdate(w, g, h, n, lr, decay, rate);
  },
  gatherColumns(source, rows, stride, columns, count, target) {
    const at = addresses(source, columns, target);
    if (!wasm || !at) return reference.gatherColumns(source, rows, stride, columns, count, target);
    parallelRanges('gatherColumns', rows, rows * count, 1, (r0, r1) => [at[0], r0, r1 - r0, stride, at[1], count, at[2]]);
  },
  scatterColumns(source, rows, count, columns, stride, target) {
    const at = addresses(source, columns, target);
    if (!wasm || !at) return reference.scatterColumns(source, rows, count, columns, stride, target);
    parallelRanges('scatterColumns', rows, rows * stride, 1, (r0, r1) => [at[0], r0, r1 - r0, count, at[1], stride, at[2]]);
  },
  bytesToUnit(bytes, out, n) {
    const at = addresses(out);
    if (!wasm || !at) return reference.bytesToUnit(bytes, out, n);
    wasm.bytesToUnit(arenaBytesOf(bytes, n), at[0], n);
  },
  allocate(length: number, dtype: DType): FloatArray {
    return (dtype === 'float32' && wasm ? arenaFloat32(length) : undefined) ?? allocate(length, dtype);
  },
  allocateIndices(length: number): Int32Array {
    return (wasm ? arenaInt32(length) : undefined) ?? new Int32Array(length);
  },
  allocateBytes(length: number): Uint8Array {
    return (wasm ? arenaUint8(length) : undefined) ?? new Uint8Array(length);
  },
};
