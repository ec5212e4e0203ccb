// Reference kernels for the passes between the matrix products: ReLU and sigmoid, the convolution's
// reshapes, max and average pooling, and the Adam step. Plain loops, in float64 or float32; the WebAssembly twins in
// wasm/assembly/layers.as.ts are tested against these.

import type { FloatArray } from '../tensor/tensor.js';

// y = x, but 0 where x < 0; n values. NaN passes through, so a broken value is never hidden as a
// zero: the loss becomes NaN and training stops there. (-0 stays -0, which every later layer treats
// as 0.) This is WebAssembly's pmax(x, 0), one instruction, where max(x, 0) takes seven on x86.
export function reluForward(x: FloatArray, y: FloatArray, n: number): void {
  for (let i = 0; i < n; i++) y[i] = reluOf(x[i]);
}

export function reluOf(value: number): number {
  return value < 0 ? 0 : value;
}

// dx = dout where the forward output y > 0, else 0.
export function reluBackward(dout: FloatArray, y: FloatArray, dx: FloatArray, n: number): void {
  for (let i = 0; i < n; i++) dx[i] = y[i] > 0 ? dout[i] : 0;
}

// y = 1 / (1 + e^-x); n values.
export function sigmoidForward(x: FloatArray, y: FloatArray, n: number): void {
  for (let i = 0; i < n; i++) y[i] = 1 / (1 + Math.exp(-x[i]));
}

// dx = dout y (1 - y), y the forward output.
export function sigmoidBackward(dout: FloatArray, y: FloatArray, dx: FloatArray, n: number): void {
  for (let i = 0; i < n; i++) dx[i] = dout[i] * y[i] * (1 - y[i]);
}

// product is (N*P, F) with P = OH*OW; out is (N,F,P), each plane plus its filter's bias.
export function rowsToPlanes(product: FloatArray, bias: FloatArray, N: number, F: number, P: number, out: FloatArray): void {
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      const b = bias[f];
      const plane = (n * F + f) * P;
      let source = n * P * F + f;
      for (let p = 0; p < P; p++, source += F) out[plane + p] = product[source] + b;
    }
  }
}

// dout is (N,F,P); rows becomes (N*P, F), and dbias the sum of each filter's planes.
export function planesToRows(dout: FloatArray, N: number, F: number, P: number, rows: FloatArray, dbias: FloatArray): void {
  dbias.fill(0, 0, F);
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      const plane = (n * F + f) * P;
      let target = n * P * F + f;
      let sum = 0;
      for (let p = 0; p < P; p++, target += F) {
        const value = dout[plane + p];
        rows[target] = value;
        sum += value;
      }
      dbias[f] += sum;
    }
  }
}

export interface PoolGeometry {
  planes: number; // N*C
  H: number;
  W: number;
  size: number;
  stride: number;
  pad: number;
  OH: number;
  OW: number;
}

// x is (planes,H,W); out is (planes,OH,OW); argmax gets, per output, the flat index into x of the
// window's maximum (the first in reading order on ties). Padding cells never win. With relu, every
// value is first taken as ReLU gives it (reluOf above): ReLU then pooling in one pass, the same outputs
// and argmax as the two layers one after the other.
export function maxPoolForward(x: FloatArray, g: PoolGeometry, out: FloatArray, argmax: Int32Array, relu = false): void {
  const { planes, H, W, size, stride, pad, OH, OW } = g;
  const value = (index: number): number => (relu ? reluOf(x[index]) : x[index]);
  let o = 0;
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * H * W;
    for (let oh = 0; oh < OH; oh++) {
      const h0 = Math.max(oh * stride - pad, 0);
      const h1 = Math.min(oh * stride - pad + size, H);
      for (let ow = 0; ow < OW; ow++, o++) {
        const w0 = Math.max(ow * stride - pad, 0);
        const w1 = Math.min(ow * stride - pad + size, W);
        let where = base + h0 * W + w0;
        for (let h = h0; h < h1; h++) {
          for (let w = w0; w < w1; w++) {
            if (value(base + h * W + w) > value(where)) where = base + h * W + w;
          }
        }
        out[o] = value(where);
        argmax[o] = where;
      }
    }
  }
}

// dx (inputs values) = 0, then each output's gradient added where its maximum came from.
/** `planes` lets a backend split the work by whole planes (N*C); the result does not depend on it. */
export function maxPoolBackward(dout: FloatArray, argmax: Int32Array, outputs: number, dx: FloatArray, inputs: number, _planes = 1): void {
  dx.fill(0, 0, inputs);
  for (let o = 0; o < outputs; o++) dx[argmax[o]] += dout[o];
}

// x is (planes,H,W); out is (planes,OH,OW), each window's mean, padding counted as zeros (PyTorch's
// count_include_pad).
export function averagePoolForward(x: FloatArray, g: PoolGeometry, out: FloatArray): void {
  const scale = 1 / (g.size * g.size);
  for (let plane = 0; plane < g.planes; plane++) {
    const input = plane * g.H * g.W;
    for (let oh = 0; oh < g.OH; oh++) {
      const top = oh * g.stride - g.pad;
      for (let ow = 0; ow < g.OW; ow++) {
        const left = ow * g.stride - g.pad;
        let sum = 0;
        for (let h = Math.max(top, 0); h < Math.min(top + g.size, g.H); h++) {
          for (let w = Math.max(left, 0); w < Math.min(left + g.size, g.W); w++) sum += x[input + h * g.W + w];
        }
        out[(plane * g.OH + oh) * g.OW + ow] = sum * scale;
      }
    }
  }
}

// dx (planes,H,W) = 0, then each output's dout/size² added over its window.
export function averagePoolBackward(dout: FloatArray, g: PoolGeometry, dx: FloatArray): void {
  const scale = 1 / (g.size * g.size);
  dx.fill(0, 0, g.planes * g.H * g.W);
  for (let plane = 0; plane < g.planes; plane++) {
    const input = plane * g.H * g.W;
    for (let oh = 0; oh < g.OH; oh++) {
      const top = oh * g.stride - g.pad;
      for (let ow = 0; ow < g.OW; ow++) {
        const left = ow * g.stride - g.pad;
        const share = dout[(plane * g.OH + oh) * g.OW + ow] * scale;
        for (let h = Math.max(top, 0); h < Math.min(top + g.size, g.H); h++) {
          for (let w = Math.max(left, 0); w < Math.min(left + g.size, g.W); w++) dx[input + h * g.W + w] += share;
        }
      }
    }
  }
}

// One Adam step, the bias correction folded into stepSize (see optim/adam.ts); moments below float32's
// smallest normal number become zero. In the WebAssembly kernel's order of operations, which keeps
// weights without a gradient away from subnormal numbers (its comment says how).
export function adamUpdate(
  w: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, n: number, stepSize: number, beta1: number, beta2: number,
): void {
  for (let i = 0; i < n; i++) {
    const gi = g[i];
    m[i] = flushSubnormal(beta1 * m[i] + (1 - beta1) * gi);
    v[i] = flushSubnormal(beta2 * v[i] + (1 - beta2) * (gi * gi));
    w[i] -= (m[i] / (Math.sqrt(v[i]) + 1e-7)) * stepSize;
  }
}

/** w -= lr * g, n weights (SGD). */
export function sgdUpdate(w: FloatArray, g: FloatArray, n: number, lr: number): void {
  for (let i = 0; i < n; i++) w[i] -= lr * g[i];
}

/**
 * v = momentum v - lr g, then w += v (Momentum) or w += momentum^2 v - (1 + momentum) lr g (Nesterov,
 * the form the book's optimizer.py uses).
 */
export function momentumUpdate(w: FloatArray, g: FloatArray, v: FloatArray, n: number, lr: number, momentum: number, nesterov: boolean): void {
  for (let i = 0; i < n; i++) {
    v[i] = flushSubnormal(momentum * v[i] - lr * g[i]);
    w[i] += nesterov ? momentum * momentum * v[i] - (1 + momentum) * lr * g[i] : v[i];
  }
}

/** h = decay h + rate g^2 (RMSprop: rate 1 - decay; AdaGrad: both 1), then w -= lr g / (sqrt(h) + 1e-7). */
export function scaledUpdate(w: FloatArray, g: FloatArray, h: FloatArray, n: number, lr: number, decay: number, rate: number): void {
  for (let i = 0; i < n; i++) {
    h[i] = flushSubnormal(decay * h[i] + rate * g[i] * g[i]);
    w[i] -= (lr * g[i]) / (Math.sqrt(h[i]) + 1e-7);
  }
}

/** float32's smallest normal number, 2^-126. */
export const float32Smallest = 1.1754943508222875e-38;

/**
 * Zero for a value below float32's smallest normal number, else the value: optimizer state that
 * decays geometrically (a moment, a velocity) would otherwise end up subnormal, where the CPU
 * computes a hundred times slower (the WebAssembly Adam explains it).
 */
export function flushSubnormal(value: number): number {
  return Math.abs(value) < float32Smallest ? 0 : value;
}

/** target (rows,count) = the columns columns[0..count) of source (rows,stride). */
export function gatherColumns(source: FloatArray, rows: number, stride: number, columns: Int32Array, count: number, target: FloatArray): void {
  for (let r = 0; r < rows; r++) for (let i = 0; i < count; i++) target[r * count + i] = source[r * stride + columns[i]];
}

/** target (rows,stride) = zero, except columns columns[0..count), which take source (rows,count). */
export function scatterColumns(source: FloatArray, rows: number, count: number, columns: Int32Array, stride: number, target: FloatArray): void {
  target.fill(0, 0, rows * stride);
  for (let r = 0; r < rows; r++) for (let i = 0; i < count; i++) target[r * stride + columns[i]] = source[r * count + i];
}

/** out[i] = bytes[i] / 255, n values: images from their bytes to [0,1], as MNIST's pixels are scaled. */
export function bytesToUnit(bytes: Uint8Array, out: FloatArray, n: number): void {
  for (let i = 0; i < n; i++) out[i] = bytes[i] / 255;
}
