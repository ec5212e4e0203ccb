// The reference convolution: the textbook loop nest, no tricks. The im2col path is tested against it.
// x is (N,C,H,W), weights (F,C,KH,KW), bias (F); out is (N,F,OH,OW).

import type { FloatArray } from '../tensor/tensor.js';
import { maxPoolForward, type PoolGeometry } from './elementwise.js';
import type { WindowGeometry } from './im2col.js';

export function conv2dDirect(
  x: FloatArray,
  weights: FloatArray,
  bias: FloatArray,
  F: number,
  g: WindowGeometry,
  out: FloatArray,
): void {
  const { N, C, H, W, KH, KW, stride, pad, OH, OW } = g;
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          let sum = bias[f];
          for (let c = 0; c < C; c++) {
            for (let kh = 0; kh < KH; kh++) {
              const h = oh * stride - pad + kh;
              if (h < 0 || h >= H) continue;
              for (let kw = 0; kw < KW; kw++) {
                const w = ow * stride - pad + kw;
                if (w < 0 || w >= W) continue;
                sum += x[((n * C + c) * H + h) * W + w] * weights[((f * C + c) * KH + kh) * KW + kw];
              }
            }
          }
          out[((n * F + f) * OH + oh) * OW + ow] = sum;
        }
      }
    }
  }
}

// The reference weight gradient of a convolution, straight from the definition:
// dW[f][c][kh][kw] = sum over n, oh, ow of dout[n][f][oh][ow] * x[n][c][oh*s-p+kh][ow*s-p+kw],
// db[f] = the sum of dout's plane f. dout is (N,F,OH,OW), dW (F,C,KH,KW), db (F).
export function convWeightGradientDirect(
  x: FloatArray,
  dout: FloatArray,
  F: number,
  g: WindowGeometry,
  dW: FloatArray,
  db: FloatArray,
): void {
  const { N, C, H, W, KH, KW, stride, pad, OH, OW } = g;
  dW.fill(0, 0, F * C * KH * KW);
  db.fill(0, 0, F);
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          const gradient = dout[((n * F + f) * OH + oh) * OW + ow];
          db[f] += gradient;
          for (let c = 0; c < C; c++) {
            for (let kh = 0; kh < KH; kh++) {
              const h = oh * stride - pad + kh;
              if (h < 0 || h >= H) continue;
              for (let kw = 0; kw < KW; kw++) {
                const w = ow * stride - pad + kw;
                if (w < 0 || w >= W) continue;
                dW[((f * C + c) * KH + kh) * KW + kw] += gradient * x[((n * C + c) * H + h) * W + w];
              }
            }
          }
        }
      }
    }
  }
}

// The convolution, then ReLU and max pooling (pool's geometry, no padding) of its maps: out as
// maxPoolForward gives it, and for each pooled unit its winner, where the winner's patch starts in
// the image (oh * W + ow), or -1 where the maximum is not above zero: ReLU stopped its gradient (NaN
// too). The reference takes the steps one after the other.
export function convReluPoolDirect(
  x: FloatArray,
  weights: FloatArray,
  bias: FloatArray,
  F: number,
  g: WindowGeometry,
  pool: PoolGeometry,
  out: FloatArray,
  winners: Int32Array,
): void {
  const maps = out instanceof Float64Array ? new Float64Array(g.N * F * g.OH * g.OW) : new Float32Array(g.N * F * g.OH * g.OW);
  conv2dDirect(x, weights, bias, F, g, maps);
  maxPoolForward(maps, pool, out, winners, true);
  const plane = g.OH * g.OW;
  for (let o = 0; o < pool.planes * pool.OH * pool.OW; o++) {
    const within = winners[o] % plane;
    winners[o] = out[o] > 0 ? Math.floor(within / g.OW) * g.W + (within % g.OW) : -1;
  }
}

// The weight gradient when the convolution's output went through ReLU and then max pooling: the
// gradient reaches only the position each window's maximum came from, and only where ReLU let it
// through (winners as convReluPoolDirect gives them). This reference builds that dout in full, as the
// ReLU and pooling layers' backward passes would, then takes the gradient above. dpool and winners
// are (N,F,PH,PW), pool.planes * pool.OH * pool.OW values.
export function convWeightGradientPooled(
  x: FloatArray,
  dpool: FloatArray,
  winners: Int32Array,
  pool: PoolGeometry,
  F: number,
  g: WindowGeometry,
  dW: FloatArray,
  db: FloatArray,
): void {
  const dout = new Float64Array(g.N * F * g.OH * g.OW);
  const units = pool.OH * pool.OW;
  for (let o = 0; o < pool.planes * units; o++) {
    if (winners[o] < 0) continue;
    const plane = Math.floor(o / units);
    dout[plane * g.OH * g.OW + Math.floor(winners[o] / g.W) * g.OW + (winners[o] % g.W)] += dpool[o];
  }
  convWeightGradientDirect(x, dout, F, g, dW, db);
}
