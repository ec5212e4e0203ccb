// gemmWasm against the gemmNaive reference: odd shapes, the SimpleConvNet products, all four
// transpose cases, accumulation, the Float64 fallback, and operands longer than the product needs.

import { describe, expect, it } from 'vitest';
import { firstMismatch, randomArray } from '../../../test/helpers/compare.js';
import { Random } from '../../tensor/random.js';
import { gemmNaive, type GemmArguments } from '../gemm.js';
import { gemmWasm, wasmAvailable, wasmKernels } from './wasm-kernels.js';

// Float32 sums of K terms round differently from the reference's double sum; the gap grows like sqrt(K).
function tolerance(K: number): number {
  return 1e-5 * Math.max(1, Math.sqrt(K / 100));
}

function compare(
  { transA, transB, M, N, K }: Pick<GemmArguments, 'transA' | 'transB' | 'M' | 'N' | 'K'>,
  random: Random,
  Type: Float32ArrayConstructor | Float64ArrayConstructor = Float32Array,
): void {
  const A = randomArray(M * K, random, Type);
  const B = randomArray(K * N, random, Type);
  const start = randomArray(M * N, random, Type);
  for (const accumulate of [false, true]) {
    const expected = start.slice();
    const actual = start.slice();
    gemmNaive({ transA, transB, M, N, K, A, B, C: expected, accumulate });
    gemmWasm({ transA, transB, M, N, K, A, B, C: actual, accumulate });
    const bound = Type === Float32Array ? tolerance(K) : 1e-12;
    expect(firstMismatch(actual, expected, bound, bound), `accumulate=${accumulate}`).toBeUndefined();
  }
}

describe('gemmWasm', () => {
  it('runs WebAssembly SIMD on this engine', () => {
    expect(wasmAvailable()).toBe(true);
    expect(wasmKernels.name).toBe(process.env.CNN_KERNELS === 'simd' ? 'wasm-simd' : 'wasm-relaxed-simd');
  });

  const random = new Random(11);
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      const shapes = [[1, 1, 1], [1, 3, 7], [3, 7, 17], [17, 1, 64], [64, 17, 3], [7, 130, 129], [130, 64, 7], [13, 17, 600], [5, 1100, 3]];
      for (const [M, N, K] of shapes) {
        it(`M=${M} N=${N} K=${K} transA=${transA} transB=${transB}`, () => {
          compare({ transA, transB, M, N, K }, random);
        });
      }
    }
  }

  // The SimpleConvNet products at batch 100, the largest dimension cut tenfold where it is 57600.
  const products = [
    { name: 'conv forward', transA: false, transB: true, M: 5760, N: 30, K: 25 },
    { name: 'conv weight gradient', transA: true, transB: false, M: 30, N: 25, K: 5760 },
    { name: 'affine1 forward', transA: false, transB: false, M: 100, N: 100, K: 4320 },
    { name: 'affine1 weight gradient', transA: true, transB: false, M: 4320, N: 100, K: 100 },
    { name: 'affine1 input gradient', transA: false, transB: true, M: 100, N: 4320, K: 100 },
    { name: 'affine2 forward', transA: false, transB: false, M: 100, N: 10, K: 100 },
  ];
  for (const { name, ...shape } of products) {
    it(`${name}: M=${shape.M} N=${shape.N} K=${shape.K} transA=${shape.transA} transB=${shape.transB}`, () => {
      compare(shape, random);
    });
  }

  it('gives the float64 reference result for Float64Array operands', () => {
    compare({ transA: true, transB: false, M: 7, N: 9, K: 13 }, random, Float64Array);
    compare({ transA: false, transB: true, M: 17, N: 3, K: 64 }, random, Float64Array);
  });

  it('treats K=0 as an empty sum: C becomes zero, or stays when accumulating', () => {
    const C = new Float32Array([1, 2, 3, 4, 5, 6]);
    const empty = new Float32Array(0);
    gemmWasm({ transA: false, transB: false, M: 2, N: 3, K: 0, A: empty, B: empty, C, accumulate: true });
    expect(Array.from(C)).toEqual([1, 2, 3, 4, 5, 6]);
    gemmWasm({ transA: false, transB: false, M: 2, N: 3, K: 0, A: empty, B: empty, C, accumulate: false });
    expect(Array.from(C)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('reads only the first M*K, K*N and M*N elements of longer arrays, after a larger call', () => {
    compare({ transA: false, transB: false, M: 300, N: 200, K: 100 }, random);
    const [M, N, K] = [3, 5, 7];
    const A = randomArray(M * K + 4, random, Float32Array);
    const B = randomArray(K * N + 4, random, Float32Array);
    const expected = randomArray(M * N + 4, random, Float32Array);
    const actual = expected.slice();
    gemmNaive({ transA: false, transB: false, M, N, K, A, B, C: expected, accumulate: false });
    gemmWasm({ transA: false, transB: false, M, N, K, A, B, C: actual, accumulate: false });
    expect(firstMismatch(actual, expected, 1e-5, 1e-5)).toBeUndefined();
  });
});
