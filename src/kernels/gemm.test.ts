import { describe, expect, it } from 'vitest';
import { firstMismatch, randomArray } from '../../test/helpers/compare.js';
import { Random } from '../tensor/random.js';
import { gemmBlocked, gemmNaive } from './gemm.js';

describe('gemmNaive', () => {
  it('multiplies a hand-worked 2x3 by 3x2', () => {
    const A = new Float64Array([1, 2, 3, 4, 5, 6]);
    const B = new Float64Array([7, 8, 9, 10, 11, 12]);
    const C = new Float64Array(4);
    gemmNaive({ transA: false, transB: false, M: 2, N: 2, K: 3, A, B, C, accumulate: false });
    expect(Array.from(C)).toEqual([58, 64, 139, 154]);
  });

  it('reads transposed operands', () => {
    const At = new Float64Array([1, 4, 2, 5, 3, 6]); // A (2,3) stored as (3,2)
    const Bt = new Float64Array([7, 9, 11, 8, 10, 12]); // B (3,2) stored as (2,3)
    const C = new Float64Array([1, 1, 1, 1]);
    gemmNaive({ transA: true, transB: true, M: 2, N: 2, K: 3, A: At, B: Bt, C, accumulate: true });
    expect(Array.from(C)).toEqual([59, 65, 140, 155]);
  });
});

describe('gemmBlocked equals gemmNaive', () => {
  const random = new Random(7);
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      for (const [M, N, K] of [[1, 1, 1], [3, 7, 17], [17, 1, 64], [64, 17, 3], [7, 130, 129], [130, 64, 7], [5, 1100, 3]]) {
        for (const Type of [Float32Array, Float64Array]) {
          it(`M=${M} N=${N} K=${K} transA=${transA} transB=${transB} ${Type.name}`, () => {
            const A = randomArray(M * K, random, Type);
            const B = randomArray(K * N, random, Type);
            const start = randomArray(M * N, random, Type);
            for (const accumulate of [false, true]) {
              const expected = start.slice();
              const actual = start.slice();
              gemmNaive({ transA, transB, M, N, K, A, B, C: expected, accumulate });
              gemmBlocked({ transA, transB, M, N, K, A, B, C: actual, accumulate });
              const tolerance = Type === Float32Array ? 1e-5 : 1e-12;
              expect(firstMismatch(actual, expected, tolerance, tolerance)).toBeUndefined();
            }
          });
        }
      }
    }
  }
});
