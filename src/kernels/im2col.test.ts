import { describe, expect, it } from 'vitest';
import { firstMismatch, randomArray } from '../../test/helpers/compare.js';
import { convOutSize } from '../tensor/geometry.js';
import { Random } from '../tensor/random.js';
import { conv2dDirect } from './conv-direct.js';
import { gemmNaive } from './gemm.js';
import { col2im, im2col, type WindowGeometry } from './im2col.js';

function geometry(N: number, C: number, H: number, W: number, K: number, stride: number, pad: number): WindowGeometry {
  return { N, C, H, W, KH: K, KW: K, stride, pad, OH: convOutSize(H, K, stride, pad), OW: convOutSize(W, K, stride, pad) };
}

describe('im2col by hand', () => {
  it('4x4 input, 3x3 filter -> 2x2 windows, one row each', () => {
    const x = new Float64Array(Array.from({ length: 16 }, (_, i) => i + 1));
    const g = geometry(1, 1, 4, 4, 3, 1, 0);
    expect([g.OH, g.OW]).toEqual([2, 2]);
    const col = new Float64Array(4 * 9);
    im2col(x, g, col);
    expect(Array.from(col)).toEqual([
      1, 2, 3, 5, 6, 7, 9, 10, 11,
      2, 3, 4, 6, 7, 8, 10, 11, 12,
      5, 6, 7, 9, 10, 11, 13, 14, 15,
      6, 7, 8, 10, 11, 12, 14, 15, 16,
    ]);
  });

  it('pads with zeros: 2x2 input, 3x3 filter, pad 1 -> the first window', () => {
    const x = new Float64Array([1, 2, 3, 4]);
    const g = geometry(1, 1, 2, 2, 3, 1, 1);
    const col = new Float64Array(g.OH * g.OW * 9);
    im2col(x, g, col);
    expect(Array.from(col.subarray(0, 9))).toEqual([0, 0, 0, 0, 1, 2, 0, 3, 4]);
  });

  it('col2im sums overlapping windows: every cell counts how many windows cover it', () => {
    const g = geometry(1, 1, 4, 4, 3, 1, 0);
    const x = new Float64Array(16);
    col2im(new Float64Array(4 * 9).fill(1), g, x);
    expect(Array.from(x)).toEqual([1, 2, 2, 1, 2, 4, 4, 2, 2, 4, 4, 2, 1, 2, 2, 1]);
  });
});

describe('col2im(im2col(x)) == x when windows do not overlap', () => {
  const random = new Random(3);
  for (const [N, C, H, K] of [[1, 1, 4, 2], [2, 3, 6, 3], [3, 2, 9, 3], [1, 4, 7, 7]]) {
    it(`x=[${N},${C},${H},${H}] window ${K} stride ${K}`, () => {
      const g = geometry(N, C, H, H, K, K, 0);
      const x = randomArray(N * C * H * H, random);
      const col = new Float64Array(N * g.OH * g.OW * C * K * K);
      im2col(x, g, col);
      const back = new Float64Array(x.length);
      col2im(col, g, back);
      expect(firstMismatch(back, x, 0, 0)).toBeUndefined();
    });
  }
});

describe('im2col convolution equals the direct loop nest', () => {
  const random = new Random(11);
  const cases: [number, number, number, number, number, number, number][] = [];
  for (const size of [1, 3, 7, 17]) {
    for (const stride of [1, 2, 3]) {
      for (const pad of [0, 1, 2]) {
        for (const K of [1, 3, 5]) {
          const span = size + 2 * pad - K;
          if (span < 0 || span % stride !== 0) continue;
          cases.push([2, size === 17 ? 2 : 3, size, size, K, stride, pad]);
        }
      }
    }
  }
  for (const [N, C, H, W, K, stride, pad] of cases) {
    const F = 1 + ((H + K + stride) % 4);
    it(`x=[${N},${C},${H},${W}] w=[${F},${C},${K},${K}] s=${stride} p=${pad}`, () => {
      const g = geometry(N, C, H, W, K, stride, pad);
      const x = randomArray(N * C * H * W, random);
      const weights = randomArray(F * C * K * K, random);
      const bias = randomArray(F, random);
      const direct = new Float64Array(N * F * g.OH * g.OW);
      conv2dDirect(x, weights, bias, F, g, direct);

      const rows = N * g.OH * g.OW;
      const col = new Float64Array(rows * C * K * K);
      im2col(x, g, col);
      const product = new Float64Array(rows * F);
      gemmNaive({ transA: false, transB: true, M: rows, N: F, K: C * K * K, A: col, B: weights, C: product, accumulate: false });
      const viaIm2col = new Float64Array(direct.length);
      const P = g.OH * g.OW;
      for (let n = 0; n < N; n++) {
        for (let f = 0; f < F; f++) {
          for (let p = 0; p < P; p++) viaIm2col[(n * F + f) * P + p] = product[(n * P + p) * F + f] + bias[f];
        }
      }
      expect(firstMismatch(viaIm2col, direct, 1e-12, 1e-12)).toBeUndefined();
    });
  }
  it('found cases for every size the issue names', () => {
    for (const size of [1, 3, 7, 17]) expect(cases.some((c) => c[2] === size)).toBe(true);
  });
});
