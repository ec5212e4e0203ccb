// The WebAssembly layer kernels against their TypeScript twins (src/kernels/elementwise.ts,
// im2col.ts, gemm.ts), on buffers in the arena, so the WebAssembly path is the one that runs.

import { describe, expect, it } from 'vitest';
import { firstMismatch } from '../../../test/helpers/compare.js';
import { convOutSize } from '../../tensor/geometry.js';
import { Random } from '../../tensor/random.js';
import * as reference from '../elementwise.js';
import { float32Smallest } from '../elementwise.js';
import { lrnBackward, lrnForward } from '../normalization.js';
import { conv2dDirect, convReluPoolDirect, convWeightGradientDirect, convWeightGradientPooled } from '../conv-direct.js';
import { gemmNaive } from '../gemm.js';
import { col2im, im2col } from '../im2col.js';
import { addressOf } from './arena.js';
import { wasmKernels as wasm } from './wasm-kernels.js';

const random = new Random(21);

function arena(length: number, fill: (index: number) => number = () => random.uniform() * 2 - 1): Float32Array {
  const view = wasm.allocate(length, 'float32') as Float32Array;
  expect(addressOf(view), 'allocated in the arena').toBeGreaterThanOrEqual(0);
  for (let i = 0; i < length; i++) view[i] = fill(i);
  return view;
}

describe('WebAssembly layer kernels equal the TypeScript reference', () => {
  for (const n of [1, 3, 4, 7, 17, 1001]) {
    it(`relu forward and backward, n=${n}`, () => {
      const x = arena(n);
      const y = arena(n);
      const expected = new Float32Array(n);
      wasm.reluForward(x, y, n);
      reference.reluForward(x, expected, n);
      expect(firstMismatch(y, expected, 0, 0)).toBeUndefined();
      const dout = arena(n);
      const dx = arena(n);
      const expectedDx = new Float32Array(n);
      wasm.reluBackward(dout, y, dx, n);
      reference.reluBackward(dout, y, expectedDx, n);
      expect(firstMismatch(dx, expectedDx, 0, 0)).toBeUndefined();
    });
  }

  it('relu passes NaN on and keeps -0, in WebAssembly as in the reference', () => {
    const values = [Number.NaN, -0, 0, -1, 2, Number.NaN, -Infinity, Infinity, 1e-30];
    const x = arena(values.length, () => 0);
    x.set(values);
    const y = arena(values.length);
    const expected = new Float32Array(values.length);
    wasm.reluForward(x, y, values.length);
    reference.reluForward(x, expected, values.length);
    expect(Array.from(expected)).toEqual([Number.NaN, -0, 0, 0, 2, Number.NaN, 0, Infinity, Math.fround(1e-30)]);
    expect(Array.from(y)).toEqual(Array.from(expected));
    expect(Object.is(y[1], -0) && Object.is(y[2], 0)).toBe(true);
  });

  for (const n of [1, 15, 16, 17, 256, 1000]) {
    it(`bytes to [0,1], n=${n}, every byte value`, () => {
      // Every byte from 0 to 255 appears (n >= 256), at every offset in a vector of sixteen.
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 7 + (i >> 8)) % 256);
      const out = arena(n);
      const expected = new Float32Array(n);
      wasm.bytesToUnit(bytes, out, n);
      reference.bytesToUnit(bytes, expected, n);
      expect(firstMismatch(out, expected, 0, 0)).toBeUndefined();
      const inArena = wasm.allocateBytes(n);
      inArena.set(bytes);
      out.fill(-1);
      wasm.bytesToUnit(inArena, out, n);
      expect(firstMismatch(out, expected, 0, 0)).toBeUndefined();
    });
  }

  for (const n of [1, 3, 4, 7, 17, 1001]) {
    it(`sigmoid forward and backward, n=${n}`, () => {
      // Wide inputs, past where e^-x overflows float32 and 1 + e^-x rounds to 1.
      const x = arena(n, () => (random.uniform() * 2 - 1) * 40);
      const y = arena(n);
      const expected = new Float32Array(n);
      wasm.sigmoidForward(x, y, n);
      reference.sigmoidForward(x, expected, n);
      // V8's exp and AssemblyScript's could round a double's last bit apart; over every float32
      // input that matters they were checked to give the same float32, so this is exact.
      expect(firstMismatch(y, expected, 0, 0)).toBeUndefined();
      const dout = arena(n);
      const dx = arena(n);
      const expectedDx = new Float32Array(n);
      wasm.sigmoidBackward(dout, y, dx, n);
      reference.sigmoidBackward(dout, y, expectedDx, n);
      expect(firstMismatch(dx, expectedDx, 0, 0)).toBeUndefined();
    });
  }

  for (const [N, C, H, K, stride, pad] of [[2, 1, 28, 5, 1, 0], [2, 3, 7, 3, 2, 1], [1, 2, 9, 3, 3, 0], [3, 4, 6, 3, 1, 2], [1, 1, 1, 1, 1, 0]]) {
    it(`im2col and col2im x=[${N},${C},${H},${H}] k=${K} s=${stride} p=${pad}`, () => {
      const OH = convOutSize(H, K, stride, pad);
      const g = { N, C, H, W: H, KH: K, KW: K, stride, pad, OH, OW: OH };
      const x = arena(N * C * H * H);
      const colLength = N * OH * OH * C * K * K;
      const col = arena(colLength);
      const expected = new Float32Array(colLength);
      wasm.im2col(x, g, col);
      im2col(x, g, expected);
      expect(firstMismatch(col, expected, 0, 0)).toBeUndefined();
      const back = arena(x.length);
      const expectedBack = new Float32Array(x.length);
      wasm.col2im(col, g, back);
      col2im(col, g, expectedBack);
      expect(firstMismatch(back, expectedBack, 1e-6, 1e-6)).toBeUndefined();
    });
  }

  it('im2col of an input outside the arena (the batch) copies it in', () => {
    const g = { N: 2, C: 1, H: 6, W: 6, KH: 3, KW: 3, stride: 1, pad: 1, OH: 6, OW: 6 };
    const x = Float32Array.from({ length: 72 }, () => random.uniform());
    const col = arena(2 * 36 * 9);
    const expected = new Float32Array(col.length);
    wasm.im2col(x, g, col);
    im2col(x, g, expected);
    expect(firstMismatch(col, expected, 0, 0)).toBeUndefined();
  });

  for (const [N, F, P] of [[1, 1, 1], [2, 30, 576], [3, 7, 5]]) {
    it(`rowsToPlanes and planesToRows N=${N} F=${F} P=${P}`, () => {
      const product = arena(N * F * P);
      const bias = arena(F);
      const out = arena(N * F * P);
      const expected = new Float32Array(N * F * P);
      wasm.rowsToPlanes(product, bias, N, F, P, out);
      reference.rowsToPlanes(product, bias, N, F, P, expected);
      expect(firstMismatch(out, expected, 0, 0)).toBeUndefined();
      const rows = arena(N * F * P);
      const dbias = arena(F);
      const expectedRows = new Float32Array(N * F * P);
      const expectedBias = new Float32Array(F);
      wasm.planesToRows(out, N, F, P, rows, dbias);
      reference.planesToRows(out, N, F, P, expectedRows, expectedBias);
      expect(firstMismatch(rows, expectedRows, 0, 0)).toBeUndefined();
      expect(firstMismatch(dbias, expectedBias, 1e-4, 1e-5)).toBeUndefined();
    });
  }

  const pools: [number, number, number, number, number][] = [
    [2, 24, 2, 2, 0], [3, 14, 2, 2, 0], [2, 7, 3, 2, 1], [1, 6, 2, 1, 1], [2, 10, 2, 2, 0],
  ];
  for (const [planes, H, size, stride, pad] of pools) {
    for (const ties of [false, true]) {
      it(`max pooling planes=${planes} ${H}x${H} size=${size} s=${stride} p=${pad}${ties ? ' with ties' : ''}`, () => {
        const OH = convOutSize(H, size, stride, pad);
        const g = { planes, H, W: H, size, stride, pad, OH, OW: OH };
        // With ties, values come from {0, 1}: many windows hold equal maxima, and the first must win.
        const x = arena(planes * H * H, ties ? () => random.integer(2) : undefined);
        const out = arena(planes * OH * OH);
        const argmax = wasm.allocateIndices(out.length);
        const expected = new Float32Array(out.length);
        const expectedArgmax = new Int32Array(out.length);
        wasm.maxPoolForward(x, g, out, argmax);
        reference.maxPoolForward(x, g, expected, expectedArgmax);
        expect(firstMismatch(out, expected, 0, 0)).toBeUndefined();
        expect(firstMismatch(argmax, expectedArgmax, 0, 0)).toBeUndefined();
        const dout = arena(out.length);
        const dx = arena(x.length);
        const expectedDx = new Float32Array(x.length);
        wasm.maxPoolBackward(dout, argmax, out.length, dx, x.length);
        reference.maxPoolBackward(dout, expectedArgmax, out.length, expectedDx, x.length);
        expect(firstMismatch(dx, expectedDx, 1e-7, 1e-6)).toBeUndefined();
      });
    }
  }

  // ReLU fused into max pooling: the same values and argmax as ReLU then pooling, the two reference
  // kernels one after the other, including all-negative windows (every value a tie at zero) and -0.
  // With NaN among the inputs the fused kernel gives, bit for bit, what the WebAssembly ReLU and
  // pooling kernels give one after the other (a NaN comes out of a window as max lets it).
  for (const [planes, H, size, stride, pad] of [[3, 24, 2, 2, 0], [2, 7, 3, 2, 1], [2, 10, 2, 2, 0], [1, 6, 2, 1, 1]]) {
    it(`ReLU then max pooling in one pass, planes=${planes} ${H}x${H} size=${size} s=${stride} p=${pad}`, () => {
      const OH = convOutSize(H, size, stride, pad);
      const g = { planes, H, W: H, size, stride, pad, OH, OW: OH };
      const count = planes * OH * OH;
      const input = (specials: number[]) => arena(planes * H * H, () => (random.uniform() < 0.1 ? specials[random.integer(specials.length)] : random.uniform() * 2 - 1.2));
      const x = input([-0, -1, 0]);
      const relu = new Float32Array(x.length);
      reference.reluForward(x, relu, x.length);
      const [expected, expectedArgmax] = [new Float32Array(count), new Int32Array(count)];
      reference.maxPoolForward(relu, g, expected, expectedArgmax);
      const [fused, fusedArgmax] = [new Float32Array(count), new Int32Array(count)];
      reference.maxPoolForward(x, g, fused, fusedArgmax, true);
      expect(firstMismatch(fused, expected, 0, 0)).toBeUndefined();
      expect(firstMismatch(fusedArgmax, expectedArgmax, 0, 0)).toBeUndefined();
      const out = arena(count);
      const argmax = wasm.allocateIndices(count);
      wasm.maxPoolForward(x, g, out, argmax, true);
      expect(firstMismatch(out, expected, 0, 0)).toBeUndefined();
      expect(firstMismatch(argmax, expectedArgmax, 0, 0)).toBeUndefined();

      const broken = input([Number.NaN, -0, -1]);
      const [twoPasses, twoPassesArgmax, relued] = [arena(count), wasm.allocateIndices(count), arena(broken.length)];
      wasm.reluForward(broken, relued, broken.length);
      wasm.maxPoolForward(relued, g, twoPasses, twoPassesArgmax);
      wasm.maxPoolForward(broken, g, out, argmax, true);
      // Every value the same, NaN where NaN (a NaN's sign and payload bits carry no meaning).
      const exactly = (values: Float32Array) => Array.from(values, (value) => (Number.isNaN(value) ? 'NaN' : Object.is(value, -0) ? '-0' : value));
      expect(exactly(out)).toEqual(exactly(twoPasses));
      expect(Array.from(argmax)).toEqual(Array.from(twoPassesArgmax));
    });
  }

  // Square pictures, then wider than tall (so a swapped H and W shows), a stride past the window, a
  // window of one.
  const averagePools = [...pools.map(([planes, H, size, stride, pad]) => [planes, H, H, size, stride, pad]), [3, 10, 10, 3, 3, 1], [2, 9, 12, 2, 3, 1], [2, 5, 7, 1, 1, 0]];
  for (const [planes, H, W, size, stride, pad] of averagePools) {
    it(`average pooling planes=${planes} ${H}x${W} size=${size} s=${stride} p=${pad}`, () => {
      const [OH, OW] = [convOutSize(H, size, stride, pad), convOutSize(W, size, stride, pad)];
      const g = { planes, H, W, size, stride, pad, OH, OW };
      const x = arena(planes * H * W);
      const out = arena(planes * OH * OW);
      const expected = new Float32Array(out.length);
      wasm.averagePoolForward(x, g, out);
      reference.averagePoolForward(x, g, expected);
      expect(firstMismatch(out, expected, 0, 0)).toBeUndefined();
      const dout = arena(out.length);
      // Stale values in dx must not survive: backward starts from zero.
      const dx = arena(x.length, () => 5);
      const expectedDx = new Float32Array(x.length);
      wasm.averagePoolBackward(dout, g, dx);
      reference.averagePoolBackward(dout, g, expectedDx);
      expect(firstMismatch(dx, expectedDx, 0, 0)).toBeUndefined();
    });
  }

  for (const [N, C, plane, size, beta] of [[2, 16, 49, 5, 0.75], [1, 3, 5, 5, 0.75], [3, 7, 4, 3, 0.6], [1, 1, 9, 1, 0.75]]) {
    it(`local response normalization N=${N} C=${C} plane=${plane} size=${size} beta=${beta}`, () => {
      const g = { N, C, plane, size, k: 2, alpha: 1e-4 * 50, beta };
      const count = N * C * plane;
      const x = arena(count, () => (random.uniform() * 2 - 1) * 10);
      const [scale, factor, out] = [arena(count), arena(count), arena(count)];
      const [expectedScale, expectedFactor, expectedOut] = [new Float32Array(count), new Float32Array(count), new Float32Array(count)];
      wasm.lrnForward(x, g, scale, factor, out);
      lrnForward(x, g, expectedScale, expectedFactor, expectedOut);
      // Beta 0.75 takes square roots, exact in both; any other beta, two pow implementations.
      const rtol = beta === 0.75 ? 0 : 2 ** -22;
      expect(firstMismatch(scale, expectedScale, 0, 0)).toBeUndefined();
      expect(firstMismatch(factor, expectedFactor, 0, rtol)).toBeUndefined();
      expect(firstMismatch(out, expectedOut, 0, rtol)).toBeUndefined();
      const dout = arena(count);
      const [weighted, dx] = [arena(count), arena(count, () => 3)];
      const [expectedWeighted, expectedDx] = [new Float32Array(count), new Float32Array(count)];
      // The same forward results on both sides, so backward is compared exactly.
      wasm.lrnBackward(dout, x, scale, factor, g, weighted, dx);
      lrnBackward(dout, x, scale, factor, g, expectedWeighted, expectedDx);
      expect(firstMismatch(dx, expectedDx, 0, 0)).toBeUndefined();
    });
  }

  for (const n of [1, 5, 4320]) {
    it(`adam update n=${n}, two steps`, () => {
      const w = arena(n);
      const g = arena(n);
      const m = arena(n, () => 0);
      const v = arena(n, () => 0);
      const [we, me, ve] = [w, m, v].map((a) => Float64Array.from(a));
      for (const stepSize of [0.001 * Math.sqrt(0.001) / 0.1, 0.001 * Math.sqrt(1 - 0.999 ** 2) / (1 - 0.9 ** 2)]) {
        wasm.adamUpdate(w, g, m, v, n, stepSize, 0.9, 0.999);
        reference.adamUpdate(we, Float64Array.from(g), me, ve, n, stepSize, 0.9, 0.999);
      }
      expect(firstMismatch(w, we, 1e-7, 1e-5)).toBeUndefined();
      expect(firstMismatch(m, me, 1e-7, 1e-5)).toBeUndefined();
      expect(firstMismatch(v, ve, 1e-9, 1e-5)).toBeUndefined();
    });
  }

  // SGD, Momentum, Nesterov, AdaGrad and RMSprop: two steps against the float64 references.
  for (const n of [1, 5, 4320]) {
    it(`sgd, momentum, nesterov, adagrad and rmsprop updates n=${n}, two steps`, () => {
      const g = arena(n);
      const runs: [string, (w: Float32Array | Float64Array, state: Float32Array | Float64Array, kernels: typeof reference) => void][] = [
        ['sgd', (w, _state, k) => k.sgdUpdate(w, g, n, 0.01)],
        ['momentum', (w, state, k) => k.momentumUpdate(w, g, state, n, 0.01, 0.9, false)],
        ['nesterov', (w, state, k) => k.momentumUpdate(w, g, state, n, 0.01, 0.9, true)],
        ['adagrad', (w, state, k) => k.scaledUpdate(w, g, state, n, 0.01, 1, 1)],
        ['rmsprop', (w, state, k) => k.scaledUpdate(w, g, state, n, 0.01, 0.99, 1 - 0.99)],
      ];
      for (const [name, run] of runs) {
        const [w, state] = [arena(n), arena(n, () => 0)];
        const [we, statee] = [Float64Array.from(w), Float64Array.from(state)];
        for (let step = 0; step < 2; step++) {
          run(w, state, wasm as unknown as typeof reference);
          run(we, statee, reference);
        }
        expect(firstMismatch(w, we, 1e-6, 1e-5), name).toBeUndefined();
        expect(firstMismatch(state, statee, 1e-8, 1e-5), name).toBeUndefined();
      }
    });
  }

  it('gathers and scatters columns as the references do, over garbage in the target', () => {
    const [rows, stride] = [37, 20];
    const columns = wasm.allocateIndices(6);
    columns.set([0, 3, 4, 11, 18, 19]);
    const source = arena(rows * stride);
    const [gathered, expectedGathered] = [arena(rows * 6), new Float32Array(rows * 6).fill(9)];
    wasm.gatherColumns(source, rows, stride, columns, 6, gathered);
    reference.gatherColumns(source, rows, stride, columns, 6, expectedGathered);
    expect(firstMismatch(gathered, expectedGathered, 0, 0)).toBeUndefined();
    const [scattered, expectedScattered] = [arena(rows * stride), new Float32Array(rows * stride).fill(9)];
    wasm.scatterColumns(gathered, rows, 6, columns, stride, scattered);
    reference.scatterColumns(gathered, rows, 6, columns, stride, expectedScattered);
    expect(firstMismatch(scattered, expectedScattered, 0, 0)).toBeUndefined();
    expect(scattered.filter((value) => value === 0).length).toBe(rows * (stride - 6));
  });

  it('adam update sets moments that decay below float32\'s smallest normal number to zero, as the reference does', () => {
    // Weights with no gradient: m shrinks by beta1, v by beta2. 1.05 and 2 times the smallest normal
    // number shrink to a subnormal (flushed) and to a normal number (kept); 9 lanes reach the scalar tail.
    const n = 9;
    const start = (i: number) => (i % 2 === 0 ? 1.05 : 2) * float32Smallest;
    const [w, g, m, v] = [arena(n, (i) => i - 4), arena(n, () => 0), arena(n, start), arena(n, start)];
    const [we, me, ve] = [w, m, v].map((a) => Float64Array.from(a));
    const weights = Float32Array.from(w);
    wasm.adamUpdate(w, g, m, v, n, 0.001, 0.9, 0.999);
    reference.adamUpdate(we, Float64Array.from(g), me, ve, n, 0.001, 0.9, 0.999);
    for (const moments of [m, me]) {
      expect(Array.from(moments, (value, i) => (i % 2 === 0 ? value === 0 : value > float32Smallest))).toEqual(Array(n).fill(true));
    }
    // v: 0.999 x 1.05 stays normal, so only m is flushed there.
    expect(Array.from(v, (value) => value >= float32Smallest)).toEqual(Array(n).fill(true));
    expect(firstMismatch(v, ve, 1e-45, 1e-6)).toBeUndefined();
    expect(firstMismatch(w, weights, 0, 0)).toBeUndefined();
  });

  for (const [transA, transB, M, N, K] of [[false, true, 576, 30, 25], [true, false, 30, 25, 576], [false, false, 13, 17, 19]] as const) {
    it(`matrix product on arena operands, no copies: M=${M} N=${N} K=${K} transA=${transA} transB=${transB}`, () => {
      const A = arena(M * K);
      const B = arena(K * N);
      const C = arena(M * N);
      const expected = new Float32Array(M * N);
      wasm.gemm({ transA, transB, M, N, K, A, B, C, accumulate: false });
      gemmNaive({ transA, transB, M, N, K, A, B, C: expected, accumulate: false });
      expect(firstMismatch(C, expected, 1e-5, 1e-5)).toBeUndefined();
    });
  }

  const direct = wasm.directConvolution!;
  for (const [N, C, H, W, F, K] of [[2, 1, 28, 28, 30, 5], [3, 2, 9, 11, 4, 3], [1, 3, 8, 7, 2, 7], [2, 1, 10, 10, 3, 9], [1, 2, 5, 6, 3, 1]]) {
    it(`direct convolution x=[${N},${C},${H},${W}] w=[${F},${C},${K},${K}]: forward and weight gradient`, () => {
      const g = { N, C, H, W, KH: K, KW: K, stride: 1, pad: 0, OH: H - K + 1, OW: W - K + 1 };
      expect(direct.supports(g)).toBe(true);
      const x = arena(N * C * H * W);
      const weights = arena(F * C * K * K);
      const bias = arena(F);
      const out = arena(N * F * g.OH * g.OW);
      const expected = new Float64Array(out.length);
      direct.forward(x, weights, bias, F, g, out);
      conv2dDirect(Float64Array.from(x), Float64Array.from(weights), Float64Array.from(bias), F, g, expected);
      expect(firstMismatch(out, expected, 1e-5, 1e-5)).toBeUndefined();
      const dout = arena(out.length);
      const dW = arena(weights.length);
      const db = arena(F);
      const expectedDW = new Float64Array(weights.length);
      const expectedDb = new Float64Array(F);
      direct.weightGradient(x, dout, F, g, dW, db);
      convWeightGradientDirect(Float64Array.from(x), Float64Array.from(dout), F, g, expectedDW, expectedDb);
      const bound = 1e-5 * Math.sqrt(N * g.OH * g.OW);
      expect(firstMismatch(dW, expectedDW, bound, 1e-4)).toBeUndefined();
      expect(firstMismatch(db, expectedDb, bound, 1e-4)).toBeUndefined();
    });
  }

  // The weight gradient from the pooled gradient against the reference, which builds the sparse
  // gradient map in full and takes the dense gradient: 5x5 filters (the vector path) and others,
  // one and two channels, 2x2 pooling and overlapping 3x3 windows at stride 2; pooled maps whose size
  // is no multiple of four (the gathering's last units one at a time); and 40 images of 48x48 pooled
  // maps, more than one thread's workspace holds, so the 5x5 path gathers them in two rounds.
  for (const [N, C, H, F, K, size, stride] of [
    [3, 1, 28, 30, 5, 2, 2], [2, 2, 12, 4, 5, 2, 2], [2, 1, 14, 3, 5, 2, 2], [2, 1, 27, 3, 5, 3, 2], [40, 1, 100, 2, 5, 2, 2],
    [2, 1, 11, 3, 3, 3, 2], [1, 2, 9, 2, 2, 2, 1],
  ]) {
    it(`weight gradient through ReLU and pooling x=[${N},${C},${H},${H}] w=[${F},${C},${K},${K}] pool ${size}/${stride}`, () => {
      const g = { N, C, H, W: H, KH: K, KW: K, stride: 1, pad: 0, OH: H - K + 1, OW: H - K + 1 };
      const PH = convOutSize(g.OH, size, stride, 0);
      const pool = { planes: N * F, H: g.OH, W: g.OW, size, stride, pad: 0, OH: PH, OW: PH };
      // A bias of -1 leaves some windows all negative, so ReLU stops some gradients.
      const [x, weights, bias] = [arena(N * C * H * H), arena(F * C * K * K), arena(F, () => -1)];
      const maps = arena(N * F * g.OH * g.OW);
      direct.forward(x, weights, bias, F, g, maps);
      const pooled = arena(N * F * PH * PH);
      const argmax = wasm.allocateIndices(pooled.length);
      wasm.maxPoolForward(maps, pool, pooled, argmax, true);
      // The fused forward, image by image through a workspace, gives the two passes' numbers exactly,
      // and each winner as where its patch starts in the image (or -1 where ReLU stopped it).
      const [fused, winners] = [arena(pooled.length), wasm.allocateIndices(pooled.length)];
      direct.forwardPooled(x, weights, bias, F, g, pool, fused, winners);
      expect(firstMismatch(fused, pooled, 0, 0)).toBeUndefined();
      const expectedWinners = Array.from(argmax, (index, o) => {
        const within = index % (g.OH * g.OW);
        return pooled[o] > 0 ? Math.floor(within / g.OW) * g.W + (within % g.OW) : -1;
      });
      expect(Array.from(winners)).toEqual(expectedWinners);
      const [expectedPooled, referenceWinners] = [new Float64Array(pooled.length), new Int32Array(pooled.length)];
      convReluPoolDirect(Float64Array.from(x), Float64Array.from(weights), Float64Array.from(bias), F, g, pool, expectedPooled, referenceWinners);
      expect(firstMismatch(fused, expectedPooled, 1e-5, 1e-5)).toBeUndefined();
      expect(Array.from(referenceWinners)).toEqual(expectedWinners);
      expect(pooled.some((value) => value === 0) && pooled.some((value) => value > 0), 'some windows pass, some do not').toBe(true);
      const dpool = arena(pooled.length);
      const [dW, db] = [arena(weights.length), arena(F)];
      const [expectedDW, expectedDb] = [new Float64Array(weights.length), new Float64Array(F)];
      direct.pooledWeightGradient(x, dpool, winners, pool, F, g, dW, db);
      convWeightGradientPooled(Float64Array.from(x), Float64Array.from(dpool), winners, pool, F, g, expectedDW, expectedDb);
      const bound = 1e-5 * Math.sqrt(N * PH * PH);
      expect(firstMismatch(dW, expectedDW, bound, 1e-4)).toBeUndefined();
      expect(firstMismatch(db, expectedDb, bound, 1e-4)).toBeUndefined();
    });
  }

  it('direct convolution reads a batch from outside the arena', () => {
    const g = { N: 2, C: 1, H: 8, W: 8, KH: 3, KW: 3, stride: 1, pad: 0, OH: 6, OW: 6 };
    const x = Float32Array.from({ length: 128 }, () => random.uniform());
    const weights = arena(18);
    const bias = arena(2);
    const out = arena(2 * 2 * 36);
    const expected = new Float64Array(out.length);
    direct.forward(x, weights, bias, 2, g, out);
    conv2dDirect(Float64Array.from(x), Float64Array.from(weights), Float64Array.from(bias), 2, g, expected);
    expect(firstMismatch(out, expected, 1e-5, 1e-5)).toBeUndefined();
    expect(direct.supports({ ...g, stride: 2 })).toBe(false);
    expect(direct.supports({ ...g, pad: 1 })).toBe(false);
  });
});
