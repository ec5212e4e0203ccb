// The kernels on two threads: each way of splitting a matrix product (rows, columns, depth) and the
// split layer kernels equal the reference, and a training step is bitwise reproducible.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstMismatch } from '../../../test/helpers/compare.js';
import { Network } from '../../models/network.js';
import { simpleConvNet } from '../../models/presets.js';
import { Adam } from '../../optim/adam.js';
import { Random } from '../../tensor/random.js';
import { activeThreadCount, setThreadCount } from '../backend.js';
import * as reference from '../elementwise.js';
import { lrnBackward, lrnForward } from '../normalization.js';
import { gemmNaive } from '../gemm.js';
import { im2col } from '../im2col.js';
import { runParallel, shares } from './threads.js';
import { wasmKernels as wasm } from './wasm-kernels.js';

const random = new Random(5);

function arena(length: number): Float32Array {
  const view = wasm.allocate(length, 'float32') as Float32Array;
  for (let i = 0; i < length; i++) view[i] = random.uniform() * 2 - 1;
  return view;
}

function trainedWeights(steps: number): Float32Array[] {
  const network = new Network(simpleConvNet(), { seed: 2 });
  const optimizer = new Adam();
  const data = new Random(3);
  const x = { shape: [50, 1, 28, 28], data: Float32Array.from({ length: 50 * 784 }, () => data.uniform()) };
  const labels = Uint8Array.from({ length: 50 }, (_, i) => i % 10);
  for (let step = 0; step < steps; step++) {
    network.gradient(x, labels);
    optimizer.update(network.params());
  }
  return network.params().map((param) => Float32Array.from(param.value.data));
}

describe('shares', () => {
  it('covers the range exactly, in whole units but the last', () => {
    expect(shares(30, 2, 4)).toEqual([[0, 16], [16, 30]]);
    expect(shares(57600, 2, 4)).toEqual([[0, 28800], [28800, 57600]]);
    expect(shares(3, 4, 1)).toEqual([[0, 1], [1, 2], [2, 3]]);
    expect(shares(5, 2, 8)).toEqual([[0, 5]]);
  });
});

describe('two threads', () => {
  beforeAll(() => setThreadCount(2));
  afterAll(() => setThreadCount(1));

  it('runs two threads', () => expect(activeThreadCount()).toBe(2));

  const products: [string, boolean, boolean, number, number, number][] = [
    ['rows (conv forward)', false, true, 5760, 30, 25],
    ['depth (conv weight gradient)', true, false, 30, 25, 5760],
    ['depth (affine forward)', false, false, 100, 100, 4320],
    ['rows (affine weight gradient)', true, false, 4320, 100, 100],
    ['columns (affine input gradient)', false, true, 100, 4320, 100],
  ];
  for (const [split, transA, transB, M, N, K] of products) {
    for (const accumulate of [false, true]) {
      it(`matrix product split by ${split}: M=${M} N=${N} K=${K} accumulate=${accumulate}`, () => {
        const A = arena(M * K);
        const B = arena(K * N);
        const C = arena(M * N);
        const expected = Float32Array.from(C);
        wasm.gemm({ transA, transB, M, N, K, A, B, C, accumulate });
        gemmNaive({ transA, transB, M, N, K, A, B, C: expected, accumulate });
        const tolerance = 1e-5 * Math.max(1, Math.sqrt(K / 100));
        expect(firstMismatch(C, expected, tolerance, tolerance)).toBeUndefined();
      });
    }
  }

  it('layer kernels split by images, ranges and planes equal the reference', () => {
    const g = { N: 40, C: 1, H: 28, W: 28, KH: 5, KW: 5, stride: 1, pad: 0, OH: 24, OW: 24 };
    const x = arena(40 * 784);
    const col = arena(40 * 576 * 25);
    const expectedCol = new Float32Array(col.length);
    wasm.im2col(x, g, col);
    im2col(x, g, expectedCol);
    expect(firstMismatch(col, expectedCol, 0, 0)).toBeUndefined();

    const y = arena(col.length);
    const expectedY = new Float32Array(col.length);
    wasm.reluForward(col, y, col.length);
    reference.reluForward(col, expectedY, col.length);
    expect(firstMismatch(y, expectedY, 0, 0)).toBeUndefined();

    const pool = { planes: 40 * 30, H: 24, W: 24, size: 2, stride: 2, pad: 0, OH: 12, OW: 12 };
    const maps = arena(40 * 30 * 576);
    const out = arena(40 * 30 * 144);
    const argmax = wasm.allocateIndices(out.length);
    const expectedOut = new Float32Array(out.length);
    const expectedArgmax = new Int32Array(out.length);
    wasm.maxPoolForward(maps, pool, out, argmax);
    reference.maxPoolForward(maps, pool, expectedOut, expectedArgmax);
    expect(firstMismatch(argmax, expectedArgmax, 0, 0)).toBeUndefined();

    // Overlapping windows (3x3 stride 2), so a plane's inputs collect several gradients each; enough
    // of them (270,400 inputs) for the work to be split.
    const overlapping = { planes: 64, H: 65, W: 65, size: 3, stride: 2, pad: 0, OH: 32, OW: 32 };
    const planesIn = arena(64 * 65 * 65);
    const pooled = arena(64 * 32 * 32);
    const where = wasm.allocateIndices(pooled.length);
    wasm.maxPoolForward(planesIn, overlapping, pooled, where);
    const dout = arena(pooled.length);
    const dx = arena(planesIn.length).fill(7);
    const expectedDx = new Float32Array(planesIn.length);
    wasm.maxPoolBackward(dout, where, dout.length, dx, dx.length, 64);
    reference.maxPoolBackward(dout, where, dout.length, expectedDx, expectedDx.length);
    expect(firstMismatch(dx, expectedDx, 0, 0)).toBeUndefined();

    // LeNet's layers: sigmoid by ranges, average pooling (overlapping 3x3 windows here) by planes.
    const activated = arena(col.length);
    const expectedActivated = new Float32Array(col.length);
    wasm.sigmoidForward(col, activated, col.length);
    reference.sigmoidForward(col, expectedActivated, col.length);
    expect(firstMismatch(activated, expectedActivated, 0, 0)).toBeUndefined();
    const dActivated = arena(col.length);
    const expectedDActivated = new Float32Array(col.length);
    wasm.sigmoidBackward(col, activated, dActivated, col.length);
    reference.sigmoidBackward(col, activated, expectedDActivated, col.length);
    expect(firstMismatch(dActivated, expectedDActivated, 0, 0)).toBeUndefined();
    const averaged = arena(pooled.length);
    const expectedAveraged = new Float32Array(pooled.length);
    wasm.averagePoolForward(planesIn, overlapping, averaged);
    reference.averagePoolForward(planesIn, overlapping, expectedAveraged);
    expect(firstMismatch(averaged, expectedAveraged, 0, 0)).toBeUndefined();
    const dAveraged = arena(planesIn.length).fill(7);
    const expectedDAveraged = new Float32Array(planesIn.length);
    wasm.averagePoolBackward(dout, overlapping, dAveraged);
    reference.averagePoolBackward(dout, overlapping, expectedDAveraged);
    expect(firstMismatch(dAveraged, expectedDAveraged, 0, 0)).toBeUndefined();

    // AlexNet's local response normalization, split by images.
    const lrn = { N: 40, C: 30, plane: 144, size: 5, k: 2, alpha: 1e-4, beta: 0.75 };
    const [scale, factor, normalized] = [arena(out.length), arena(out.length), arena(out.length)];
    const expectedNormalized = new Float32Array(out.length);
    wasm.lrnForward(out, lrn, scale, factor, normalized);
    lrnForward(out, lrn, new Float32Array(out.length), new Float32Array(out.length), expectedNormalized);
    expect(firstMismatch(normalized, expectedNormalized, 0, 0)).toBeUndefined();
    const [weighted, dNormalized] = [arena(out.length), arena(out.length)];
    const expectedDNormalized = new Float32Array(out.length);
    wasm.lrnBackward(out, out, scale, factor, lrn, weighted, dNormalized);
    lrnBackward(out, out, scale, factor, lrn, new Float32Array(out.length), expectedDNormalized);
    expect(firstMismatch(dNormalized, expectedDNormalized, 0, 0)).toBeUndefined();

    const n = 300_003;
    // All in the arena (a copy made with map or from would not be), so both runs take the WebAssembly path.
    const [w, grad, m, v] = [arena(n), arena(n), arena(n), arena(n)];
    for (let i = 0; i < n; i++) v[i] = Math.abs(v[i]);
    const copy = (values: Float32Array): Float32Array => {
      const target = arena(n);
      target.set(values);
      return target;
    };
    const [we, me, ve] = [copy(w), copy(m), copy(v)];
    wasm.adamUpdate(w, grad, m, v, n, 0.001, 0.9, 0.999);
    setThreadCount(1);
    wasm.adamUpdate(we, grad, me, ve, n, 0.001, 0.9, 0.999);
    setThreadCount(2);
    for (const [split, single] of [[w, we], [m, me], [v, ve]]) expect(firstMismatch(split, single, 0, 0)).toBeUndefined();
  });

  it('a training step is bitwise reproducible on two threads, and close to one thread', () => {
    const first = trainedWeights(3);
    const second = trainedWeights(3);
    first.forEach((weights, i) => expect(firstMismatch(second[i], weights, 0, 0)).toBeUndefined());
    setThreadCount(1);
    const single = trainedWeights(3);
    setThreadCount(2);
    first.forEach((weights, i) => expect(firstMismatch(weights, single[i], 1e-5, 1e-3)).toBeUndefined());
  });
});

describe('failing workers', () => {
  beforeAll(() => setThreadCount(3));
  afterAll(() => setThreadCount(1));

  it('a failing worker is reported with its reason, after the others have finished', () => {
    // An address past the end of any memory makes worker 1's kernel trap at once, while worker 2
    // still has a long share to do: the call must not return before that share is complete.
    const outside = 0xfffffff0;
    const n = 1 << 23;
    const x = wasm.allocate(n, 'float32') as Float32Array;
    x.fill(1);
    const y = wasm.allocate(n, 'float32') as Float32Array;
    y.fill(0);
    const shares = [
      { name: 'reluForward' as const, args: [0, 0, 0] },
      { name: 'reluForward' as const, args: [outside, outside, 16] },
      { name: 'reluForward' as const, args: [x.byteOffset, y.byteOffset, n] },
    ];
    expect(() => runParallel(shares)).toThrow(/worker thread 1 failed in reluForward: .*out of bounds/);
    expect(firstMismatch(y, x, 0, 0)).toBeUndefined();
    // Both slots are ready again: a second call runs and fails the same way, and a good one works.
    expect(() => runParallel(shares)).toThrow('worker thread 1 failed in reluForward');
    y.fill(0);
    runParallel([shares[0], shares[2], shares[2]]);
    expect(firstMismatch(y, x, 0, 0)).toBeUndefined();
  });
});
