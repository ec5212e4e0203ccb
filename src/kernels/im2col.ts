// im2col turns convolution into one matrix product, as in the book: every receptive field becomes a
// row. x is (N,C,H,W); col is (N*OH*OW, C*KH*KW), rows ordered (n,oh,ow) and columns (c,kh,kw).
// Padding is read as zeros, never materialised. col2im is its adjoint: it sums each row back into
// the window it came from, so overlapping windows add up (that is what the input gradient needs).

import type { FloatArray } from '../tensor/tensor.js';

export interface WindowGeometry {
  N: number;
  C: number;
  H: number;
  W: number;
  KH: number;
  KW: number;
  stride: number;
  pad: number;
  OH: number;
  OW: number;
}

export function im2col(x: FloatArray, g: WindowGeometry, col: FloatArray): void {
  const { N, C, H, W, KH, KW, stride, pad, OH, OW } = g;
  const rowLength = C * KH * KW;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        let index = ((n * OH + oh) * OW + ow) * rowLength;
        for (let c = 0; c < C; c++) {
          const plane = (n * C + c) * H;
          for (let kh = 0; kh < KH; kh++) {
            const h = oh * stride - pad + kh;
            const inside = h >= 0 && h < H;
            const rowStart = (plane + h) * W;
            for (let kw = 0; kw < KW; kw++) {
              const w = ow * stride - pad + kw;
              col[index++] = inside && w >= 0 && w < W ? x[rowStart + w] : 0;
            }
          }
        }
      }
    }
  }
}

export function col2im(col: FloatArray, g: WindowGeometry, x: FloatArray): void {
  const { N, C, H, W, KH, KW, stride, pad, OH, OW } = g;
  const rowLength = C * KH * KW;
  x.fill(0, 0, N * C * H * W);
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        let index = ((n * OH + oh) * OW + ow) * rowLength;
        for (let c = 0; c < C; c++) {
          const plane = (n * C + c) * H;
          for (let kh = 0; kh < KH; kh++) {
            const h = oh * stride - pad + kh;
            if (h < 0 || h >= H) {
              index += KW;
              continue;
            }
            const rowStart = (plane + h) * W;
            for (let kw = 0; kw < KW; kw++, index++) {
              const w = ow * stride - pad + kw;
              if (w >= 0 && w < W) x[rowStart + w] += col[index];
            }
          }
        }
      }
    }
  }
}
