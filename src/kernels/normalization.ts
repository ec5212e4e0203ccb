// Reference kernels for local response normalization (AlexNet's), the loops of the layer in
// src/layers/normalization.ts; wasm/assembly/layers.as.ts holds their WebAssembly twins. Each pixel's
// channels are normalised together, independently of other pixels and of other images.

import type { FloatArray } from '../tensor/tensor.js';

export interface LrnGeometry {
  N: number;
  C: number;
  plane: number; // H*W
  size: number; // channels in a window, odd
  k: number;
  alpha: number;
  beta: number;
}

/**
 * x is (N,C,H,W). scale = k + alpha * (sum of squares over the window of channels), factor =
 * scale^-beta, out = x * factor; backward needs scale and factor.
 */
export function lrnForward(x: FloatArray, g: LrnGeometry, scale: FloatArray, factor: FloatArray, out: FloatArray): void {
  const { N, C, plane, size, k, alpha, beta } = g;
  const half = (size - 1) / 2;
  for (let n = 0; n < N; n++) {
    const sample = n * C * plane;
    for (let c = 0; c < C; c++) {
      const row = sample + c * plane;
      scale.fill(k, row, row + plane);
      // The window is clipped at the first and last channel rather than padded.
      for (let neighbour = Math.max(0, c - half); neighbour <= Math.min(C - 1, c + half); neighbour++) {
        const from = sample + neighbour * plane;
        for (let p = 0; p < plane; p++) scale[row + p] += alpha * x[from + p] * x[from + p];
      }
      if (beta === 0.75) {
        // AlexNet's beta: s^-0.75 as 1/(s^0.5 s^0.25) from two square roots, several times faster
        // than pow, which took a third of an AlexNet training step.
        for (let i = row; i < row + plane; i++) {
          const root = Math.sqrt(scale[i]);
          factor[i] = 1 / (root * Math.sqrt(root));
          out[i] = x[i] * factor[i];
        }
      } else {
        for (let i = row; i < row + plane; i++) {
          factor[i] = scale[i] ** -beta;
          out[i] = x[i] * factor[i];
        }
      }
    }
  }
}

/**
 * dx[c] = dout[c] s[c]^-beta - 2 alpha beta x[c] * sum over j in window(c) of dout[j] x[j] s[j]^(-beta-1):
 * the first term is the direct path, the sum is c's share in every s[j] whose window holds it (windows
 * are symmetric, so those j are exactly window(c)). `weighted` is scratch the size of x.
 */
export function lrnBackward(
  dout: FloatArray, x: FloatArray, scale: FloatArray, factor: FloatArray, g: LrnGeometry, weighted: FloatArray, dx: FloatArray,
): void {
  const { N, C, plane, size, alpha, beta } = g;
  const half = (size - 1) / 2;
  const count = N * C * plane;
  // dout[j] x[j] s[j]^(-beta-1), the part of each window sum that does not depend on c.
  for (let i = 0; i < count; i++) weighted[i] = (dout[i] * x[i] * factor[i]) / scale[i];
  const coefficient = 2 * alpha * beta;
  for (let n = 0; n < N; n++) {
    const sample = n * C * plane;
    for (let c = 0; c < C; c++) {
      const row = sample + c * plane;
      // dx first accumulates the window sum, then becomes the gradient in place.
      dx.fill(0, row, row + plane);
      for (let neighbour = Math.max(0, c - half); neighbour <= Math.min(C - 1, c + half); neighbour++) {
        const from = sample + neighbour * plane;
        for (let p = 0; p < plane; p++) dx[row + p] += weighted[from + p];
      }
      for (let i = row; i < row + plane; i++) dx[i] = dout[i] * factor[i] - coefficient * x[i] * dx[i];
    }
  }
}
