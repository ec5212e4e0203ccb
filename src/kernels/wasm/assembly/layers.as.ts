// The layers' elementwise and reshaping kernels in WebAssembly: the passes that cost more than the
// matrix products once those ran in SIMD (ReLU's data-dependent branch alone was 15 ms per step in
// JavaScript). Each has a TypeScript twin in src/kernels/*.ts that it is tested against. Every
// address is a byte offset into linear memory; nothing here allocates.

// y = x, but 0 where x < 0, n floats (NaN passes on, as in the TypeScript twin). Branch-free:
// pmax(x, 0) is (x < 0 ? 0 : x), one x86 instruction; the IEEE-style max would take seven.
export function reluForward(x: usize, y: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    v128.store(y + at, f32x4.pmax(v128.load(x + at), zero));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(y + at, reluOf(load<f32>(x + at)));
  }
}

@inline
function reluOf(value: f32): f32 {
  return value < 0 ? 0 : value;
}

// dx = dout where y > 0, else 0; y is the forward output, so no mask needs storing.
export function reluBackward(dout: usize, y: usize, dx: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    v128.store(dx + at, v128.and(v128.load(dout + at), f32x4.gt(v128.load(y + at), zero)));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(dx + at, load<f32>(y + at) > 0 ? load<f32>(dout + at) : 0);
  }
}

// x is (N,C,H,W); col is (N*OH*OW, C*KH*KW), rows (n,oh,ow), columns (c,kh,kw); padding reads 0.
export function im2col(
  x: usize, N: i32, C: i32, H: i32, W: i32, KH: i32, KW: i32, stride: i32, pad: i32, OH: i32, OW: i32, col: usize,
): void {
  let target = col;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let c = 0; c < C; c++) {
          const plane = x + (<usize>((n * C + c) * H) * W << 2);
          for (let kh = 0; kh < KH; kh++) {
            const h = oh * stride - pad + kh;
            const w0 = ow * stride - pad;
            // A filter row is a few floats: plain loads and stores beat memory.fill and memory.copy,
            // which V8 runs as calls (im2col of a 3x3 layer took three times its matrix product).
            if (h < 0 || h >= H) {
              for (let kw = 0; kw < KW; kw++) store<f32>(target + (<usize>kw << 2), 0);
            } else if (w0 >= 0 && w0 + KW <= W) {
              const from = plane + (<usize>(h * W + w0) << 2);
              for (let kw = 0; kw < KW; kw++) store<f32>(target + (<usize>kw << 2), load<f32>(from + (<usize>kw << 2)));
            } else {
              for (let kw = 0; kw < KW; kw++) {
                const w = w0 + kw;
                store<f32>(target + (<usize>kw << 2), w >= 0 && w < W ? load<f32>(plane + (<usize>(h * W + w) << 2)) : 0);
              }
            }
            target += <usize>KW << 2;
          }
        }
      }
    }
  }
}

// The adjoint of im2col: x = 0, then every element of col added back where it was read from.
export function col2im(
  col: usize, N: i32, C: i32, H: i32, W: i32, KH: i32, KW: i32, stride: i32, pad: i32, OH: i32, OW: i32, x: usize,
): void {
  memory.fill(x, 0, <usize>(N * C * H * W) << 2);
  let source = col;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let c = 0; c < C; c++) {
          const plane = x + (<usize>((n * C + c) * H) * W << 2);
          for (let kh = 0; kh < KH; kh++) {
            const h = oh * stride - pad + kh;
            const w0 = ow * stride - pad;
            if (h >= 0 && h < H) {
              const row = plane + (<usize>(h * W) << 2);
              if (w0 >= 0 && w0 + KW <= W) {
                // Inside the image, as most windows are: no test per element.
                for (let kw = 0; kw < KW; kw++) {
                  const at = row + (<usize>(w0 + kw) << 2);
                  store<f32>(at, load<f32>(at) + load<f32>(source + (<usize>kw << 2)));
                }
              } else {
                for (let kw = 0; kw < KW; kw++) {
                  const w = w0 + kw;
                  if (w >= 0 && w < W) {
                    const at = row + (<usize>w << 2);
                    store<f32>(at, load<f32>(at) + load<f32>(source + (<usize>kw << 2)));
                  }
                }
              }
            }
            source += <usize>KW << 2;
          }
        }
      }
    }
  }
}

// product (N*P, F) -> out (N,F,P), each plane plus its filter's bias: the convolution's output.
export function rowsToPlanes(product: usize, bias: usize, N: i32, F: i32, P: i32, out: usize): void {
  for (let n = 0; n < N; n++) {
    const rows = product + (<usize>(n * P * F) << 2);
    for (let f = 0; f < F; f++) {
      const b = load<f32>(bias + (<usize>f << 2));
      const plane = out + (<usize>((n * F + f) * P) << 2);
      let source = rows + (<usize>f << 2);
      for (let p = 0; p < P; p++) {
        store<f32>(plane + (<usize>p << 2), load<f32>(source) + b);
        source += <usize>F << 2;
      }
    }
  }
}

// dout (N,F,P) -> rows (N*P, F), and dbias[f] = the sum of filter f's planes.
export function planesToRows(dout: usize, N: i32, F: i32, P: i32, rows: usize, dbias: usize): void {
  memory.fill(dbias, 0, <usize>F << 2);
  for (let n = 0; n < N; n++) {
    const target = rows + (<usize>(n * P * F) << 2);
    for (let f = 0; f < F; f++) {
      const plane = dout + (<usize>((n * F + f) * P) << 2);
      let at = target + (<usize>f << 2);
      let sum: f32 = 0;
      for (let p = 0; p < P; p++) {
        const value = load<f32>(plane + (<usize>p << 2));
        store<f32>(at, value);
        sum += value;
        at += <usize>F << 2;
      }
      const slot = dbias + (<usize>f << 2);
      store<f32>(slot, load<f32>(slot) + sum);
    }
  }
}

// Max pooling over planes (H,W) -> (OH,OW); argmax gets the flat input index of each maximum.
// Cells in the padding never win. The first maximum in reading order wins ties, as in TypeScript.
// Only planes first..first+planes are done (a thread's share); addresses are of the whole tensors.
export function maxPoolForward(
  x: usize, first: i32, planes: i32, H: i32, W: i32, size: i32, stride: i32, pad: i32, OH: i32, OW: i32,
  out: usize, argmax: usize, relu: bool,
): void {
  if (relu) maxPool(x, first, planes, H, W, size, stride, pad, OH, OW, out, argmax, true, false, 0);
  else maxPool(x, first, planes, H, W, size, stride, pad, OH, OW, out, argmax, false, false, 0);
}

// ReLU then max pooling of the maps a convolution (stride 1, no padding) made from images imageW
// wide, for the fused head (direct.as.ts): each winner is given as where its patch starts in the
// image, h * imageW + w, or -1 where the maximum is not above zero (ReLU stopped its gradient), so
// that the weight gradient reads its patch with no index arithmetic and no second test.
export function maxPoolWinners(
  x: usize, planes: i32, H: i32, W: i32, size: i32, stride: i32, OH: i32, OW: i32, out: usize, winners: usize, imageW: i32,
): void {
  maxPool(x, 0, planes, H, W, size, stride, 0, OH, OW, out, winners, true, true, imageW);
}

// Both of the above: the index is base + h * W + w (argmax), or with winners h * imageW + w or -1.
// relu and winners are constants at each call, so each use gets its own loops without the tests.
@inline
function maxPool(
  x: usize, first: i32, planes: i32, H: i32, W: i32, size: i32, stride: i32, pad: i32, OH: i32, OW: i32,
  out: usize, argmax: usize, relu: bool, winners: bool, imageW: i32,
): void {
  if (size == 2 && stride == 2 && pad == 0) {
    maxPool2x2(x, first, planes, H, W, OH, OW, out, argmax, relu, winners, imageW);
    return;
  }
  const row = winners ? imageW : W;
  let o: usize = <usize>(first * OH * OW);
  for (let plane = first; plane < first + planes; plane++) {
    const base = plane * H * W;
    const indexBase = winners ? 0 : base;
    for (let oh = 0; oh < OH; oh++) {
      const h0 = max(oh * stride - pad, 0);
      const h1 = min(oh * stride - pad + size, H);
      for (let ow = 0; ow < OW; ow++) {
        const w0 = max(ow * stride - pad, 0);
        const w1 = min(ow * stride - pad + size, W);
        let where = indexBase + h0 * row + w0;
        let best = valueAt(x, base + h0 * W + w0, relu);
        for (let h = h0; h < h1; h++) {
          for (let w = w0; w < w1; w++) {
            const value = valueAt(x, base + h * W + w, relu);
            const better = value > best;
            best = select<f32>(value, best, better);
            where = select<i32>(indexBase + h * row + w, where, better);
          }
        }
        store<f32>(out + (o << 2), best);
        store<i32>(argmax + (o << 2), winners ? select<i32>(where, -1, best > 0) : where);
        o++;
      }
    }
  }
}

// x[index], or as ReLU gives it (reluForward above) when pooling fuses the ReLU before it.
@inline
function valueAt(x: usize, index: i32, relu: bool): f32 {
  const value = load<f32>(x + (<usize>index << 2));
  return relu ? reluOf(value) : value;
}

// The same for four lanes.
@inline
function lanesOf(vector: v128, relu: bool): v128 {
  return relu ? f32x4.pmax(vector, f32x4.splat(0)) : vector;
}

// The common case, 2x2 windows at stride 2 without padding, four outputs at a time: the four
// candidates of each window sit in four vectors (even and odd lanes of the top and bottom rows), the
// maximum is three vector max, and the winner's offset is picked by equality in reading order
// (top-left, top-right, bottom-left, bottom-right), so ties resolve as in the general loop.
@inline
function maxPool2x2(
  x: usize, first: i32, planes: i32, H: i32, W: i32, OH: i32, OW: i32, out: usize, argmax: usize, relu: bool, winners: bool,
  imageW: i32,
): void {
  const row = winners ? imageW : W;
  const right = i32x4.splat(1);
  const below = i32x4.splat(row);
  const belowRight = i32x4.splat(row + 1);
  const lanes = i32x4(0, 2, 4, 6);
  let o: usize = <usize>(first * OH * OW);
  for (let plane = first; plane < first + planes; plane++) {
    const base = plane * H * W;
    for (let oh = 0; oh < OH; oh++) {
      const top = x + (<usize>(base + 2 * oh * W) << 2);
      const bottom = top + (<usize>W << 2);
      const rowIndex = winners ? 2 * oh * imageW : base + 2 * oh * W;
      let ow = 0;
      for (; ow + 4 <= OW; ow += 4) {
        const at = <usize>ow << 3;
        const top0 = v128.load(top + at), top1 = v128.load(top + at, 16);
        const bottom0 = v128.load(bottom + at), bottom1 = v128.load(bottom + at, 16);
        const a = lanesOf(v128.shuffle<f32>(top0, top1, 0, 2, 4, 6), relu);
        const b = lanesOf(v128.shuffle<f32>(top0, top1, 1, 3, 5, 7), relu);
        const c = lanesOf(v128.shuffle<f32>(bottom0, bottom1, 0, 2, 4, 6), relu);
        const d = lanesOf(v128.shuffle<f32>(bottom0, bottom1, 1, 3, 5, 7), relu);
        const best = f32x4.max(f32x4.max(a, b), f32x4.max(c, d));
        let offset = v128.bitselect(below, belowRight, f32x4.eq(c, best));
        offset = v128.bitselect(right, offset, f32x4.eq(b, best));
        offset = v128.bitselect(i32x4.splat(0), offset, f32x4.eq(a, best));
        let index = i32x4.add(i32x4.add(i32x4.splat(rowIndex + 2 * ow), lanes), offset);
        if (winners) index = v128.bitselect(index, i32x4.splat(-1), f32x4.gt(best, f32x4.splat(0)));
        v128.store(out + (o << 2), best);
        v128.store(argmax + (o << 2), index);
        o += 4;
      }
      for (; ow < OW; ow++) {
        const cell = base + 2 * oh * W + 2 * ow;
        let where = 0;
        let best = valueAt(x, cell, relu);
        for (let k = 1; k < 4; k++) {
          const value = valueAt(x, cell + (k >> 1) * W + (k & 1), relu);
          if (value > best) {
            best = value;
            where = k;
          }
        }
        const index = rowIndex + 2 * ow + (where >> 1) * row + (where & 1);
        store<f32>(out + (o << 2), best);
        store<i32>(argmax + (o << 2), winners ? select<i32>(index, -1, best > 0) : index);
        o++;
      }
    }
  }
}

// dx = 0, then each output's gradient added at the input position that won the forward pass.
// Zeroes dx[zeroFrom, zeroFrom + zeroCount), then adds each dout to the input its argmax names (an
// index from dx). A thread given whole planes zeroes and fills only those planes' inputs.
export function maxPoolBackward(dout: usize, argmax: usize, outputs: i32, dx: usize, zeroFrom: i32, zeroCount: i32): void {
  memory.fill(dx + (<usize>zeroFrom << 2), 0, <usize>zeroCount << 2);
  for (let o = 0; o < outputs; o++) {
    const at = dx + (<usize>load<i32>(argmax + (<usize>o << 2)) << 2);
    store<f32>(at, load<f32>(at) + load<f32>(dout + (<usize>o << 2)));
  }
}

// One Adam step over n weights, bias correction folded into stepSize by the caller (see adam.ts).
// The caller passes beta and 1 - beta rounded from double precision: 1 - 0.999 computed in float32
// is off by 1.3e-5, since 0.999 itself is not a float32. The order of the arithmetic keeps weights
// that get no gradient (see flushSubnormal) away from subnormal numbers on the way to zero: their m
// becomes beta1 * m, never m - (1 - beta1) * m with its ten times smaller term, and m is divided by
// sqrt(v) + epsilon (about 1e-5 for such weights) before it is scaled by the step size (about 1e-3).
// (In the other order, steps 600 to 750 of the SimpleConvNet took Adam 2-3 ms instead of 0.2.)
export function adamUpdate(
  w: usize, g: usize, m: usize, v: usize, n: i32, stepSize: f32, beta1: f32, oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32,
): void {
  const keep1 = f32x4.splat(beta1);
  const rate1 = f32x4.splat(oneMinusBeta1);
  const keep2 = f32x4.splat(beta2);
  const rate2 = f32x4.splat(oneMinusBeta2);
  const step = f32x4.splat(stepSize);
  const epsilon = f32x4.splat(1e-7);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const gi = v128.load(g + at);
    const mi = flushSubnormal(f32x4.add(f32x4.mul(keep1, v128.load(m + at)), f32x4.mul(rate1, gi)));
    const vi = flushSubnormal(f32x4.add(f32x4.mul(keep2, v128.load(v + at)), f32x4.mul(rate2, f32x4.mul(gi, gi))));
    v128.store(m + at, mi);
    v128.store(v + at, vi);
    const update = f32x4.mul(f32x4.div(mi, f32x4.add(f32x4.sqrt(vi), epsilon)), step);
    v128.store(w + at, f32x4.sub(v128.load(w + at), update));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    const gi = load<f32>(g + at);
    const mi = flushSubnormalScalar(beta1 * load<f32>(m + at) + oneMinusBeta1 * gi);
    const vi = flushSubnormalScalar(beta2 * load<f32>(v + at) + oneMinusBeta2 * (gi * gi));
    store<f32>(m + at, mi);
    store<f32>(v + at, vi);
    store<f32>(w + at, load<f32>(w + at) - (mi / (sqrt<f32>(vi) + 1e-7)) * stepSize);
  }
}

// target (rows, count) = the columns columns[0..count) of source (rows, stride), for rows
// first..first+rows (a thread's share). With scatterColumns, what Affine's backward uses to leave out
// the units that ReLU shut for a whole batch (layers/affine.ts).
export function gatherColumns(source: usize, first: i32, rows: i32, stride: i32, columns: usize, count: i32, target: usize): void {
  for (let r = first; r < first + rows; r++) {
    const from = source + (<usize>(r * stride) << 2);
    const to = target + (<usize>(r * count) << 2);
    for (let i = 0; i < count; i++) {
      store<f32>(to + (<usize>i << 2), load<f32>(from + (<usize>load<i32>(columns + (<usize>i << 2)) << 2)));
    }
  }
}

// target (rows, stride): zero, but for columns columns[0..count), which take source (rows, count);
// rows first..first+rows.
export function scatterColumns(source: usize, first: i32, rows: i32, count: i32, columns: usize, stride: i32, target: usize): void {
  for (let r = first; r < first + rows; r++) {
    const from = source + (<usize>(r * count) << 2);
    const to = target + (<usize>(r * stride) << 2);
    memory.fill(to, 0, <usize>stride << 2);
    for (let i = 0; i < count; i++) {
      store<f32>(to + (<usize>load<i32>(columns + (<usize>i << 2)) << 2), load<f32>(from + (<usize>i << 2)));
    }
  }
}

// The other optimizers' steps over n weights, as their TypeScript references in ../../elementwise.ts
// (which the classes in src/optim call through the Kernels interface). Float32 throughout.
// w -= lr * g
export function sgdUpdate(w: usize, g: usize, n: i32, lr: f32): void {
  const rate = f32x4.splat(lr);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    v128.store(w + at, f32x4.sub(v128.load(w + at), f32x4.mul(rate, v128.load(g + at))));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(w + at, load<f32>(w + at) - lr * load<f32>(g + at));
  }
}

// v = momentum * v - lr * g, then w += v (Momentum), or w += momentum^2 v - (1 + momentum) lr g
// (Nesterov, when nesterov).
export function momentumUpdate(w: usize, g: usize, v: usize, n: i32, lr: f32, momentum: f32, nesterov: bool): void {
  const rate = f32x4.splat(lr);
  const keep = f32x4.splat(momentum);
  const ahead = f32x4.splat(momentum * momentum);
  const push = f32x4.splat((1 + momentum) * lr);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const gi = v128.load(g + at);
    const vi = flushSubnormal(f32x4.sub(f32x4.mul(keep, v128.load(v + at)), f32x4.mul(rate, gi)));
    v128.store(v + at, vi);
    const step = nesterov ? f32x4.sub(f32x4.mul(ahead, vi), f32x4.mul(push, gi)) : vi;
    v128.store(w + at, f32x4.add(v128.load(w + at), step));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    const gi = load<f32>(g + at);
    const vi = flushSubnormalScalar(momentum * load<f32>(v + at) - lr * gi);
    store<f32>(v + at, vi);
    store<f32>(w + at, load<f32>(w + at) + (nesterov ? momentum * momentum * vi - (1 + momentum) * lr * gi : vi));
  }
}

// h = decay * h + (1 - decay) g^2 (RMSprop), or h += g^2 (AdaGrad, when decay is 1 and rate 1);
// then w -= lr * g / (sqrt(h) + 1e-7).
export function scaledUpdate(w: usize, g: usize, h: usize, n: i32, lr: f32, decay: f32, rate: f32): void {
  const keep = f32x4.splat(decay);
  const add = f32x4.splat(rate);
  const step = f32x4.splat(lr);
  const epsilon = f32x4.splat(1e-7);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const gi = v128.load(g + at);
    const hi = flushSubnormal(f32x4.add(f32x4.mul(keep, v128.load(h + at)), f32x4.mul(add, f32x4.mul(gi, gi))));
    v128.store(h + at, hi);
    const update = f32x4.div(f32x4.mul(step, gi), f32x4.add(f32x4.sqrt(hi), epsilon));
    v128.store(w + at, f32x4.sub(v128.load(w + at), update));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    const gi = load<f32>(g + at);
    const hi = flushSubnormalScalar(decay * load<f32>(h + at) + rate * (gi * gi));
    store<f32>(h + at, hi);
    store<f32>(w + at, load<f32>(w + at) - (lr * gi) / (sqrt<f32>(hi) + 1e-7));
  }
}

// Zero for each lane whose exponent bits are all zero (a subnormal number, or zero), else the lane.
// A weight whose gradient is exactly zero (an input pixel that is always blank, a hidden unit that
// ReLU has shut for every image) has a first moment that shrinks by beta1 each step: after about 800
// steps it is subnormal, and x86 computes with subnormals in microcode, a hundred times slower. A
// quarter of the SimpleConvNet's affine1 moments got there in its second epoch, and Adam's 0.17 ms
// became 2.5 ms. What such a moment adds to a weight is below 1e-30 of it, nothing in float32.
@inline
function flushSubnormal(x: v128): v128 {
  return v128.andnot(x, i32x4.eq(v128.and(x, i32x4.splat(0x7f800000)), i32x4.splat(0)));
}

@inline
function flushSubnormalScalar(x: f32): f32 {
  return (reinterpret<i32>(x) & 0x7f800000) == 0 ? 0 : x;
}

// out[i] = bytes[i] / 255, n values: a batch of images from their bytes, sixteen at a time. A float32
// division of two exact integers rounds once; the TypeScript twin divides in double and rounds to
// float32, which for every byte gives the same value (tested on all 256).
export function bytesToUnit(bytes: usize, out: usize, n: i32): void {
  const scale = f32x4.splat(255);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const v = v128.load(bytes + <usize>i);
    const low = i16x8.extend_low_i8x16_u(v);
    const high = i16x8.extend_high_i8x16_u(v);
    const at = out + (<usize>i << 2);
    v128.store(at, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(low)), scale));
    v128.store(at, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(low)), scale), 16);
    v128.store(at, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(high)), scale), 32);
    v128.store(at, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(high)), scale), 48);
  }
  for (; i < n; i++) store<f32>(out + (<usize>i << 2), <f32>load<u8>(bytes + <usize>i) / 255);
}

// target += source, n floats: sums the partial products of threads that split a matrix product's K.
export function addInto(target: usize, source: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    v128.store(target + at, f32x4.add(v128.load(target + at), v128.load(source + at)));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(target + at, load<f32>(target + at) + load<f32>(source + at));
  }
}

// y = 1 / (1 + e^-x), n floats, in double precision like the TypeScript twin; the two exp
// implementations may differ in the last bit of a double, which rounding to float32 nearly always hides.
export function sigmoidForward(x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(y + at, <f32>(1 / (1 + Math.exp(-<f64>load<f32>(x + at)))));
  }
}

// dx = dout y (1 - y), y the forward output; the same double-precision steps as the TypeScript twin.
export function sigmoidBackward(dout: usize, y: usize, dx: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const at = <usize>i << 2;
    const out = <f64>load<f32>(y + at);
    store<f32>(dx + at, <f32>(<f64>load<f32>(dout + at) * out * (1 - out)));
  }
}

// Planes first..first+planes of x (planes,H,W) averaged over each window into out (planes,OH,OW),
// padding counted as zeros; sums in double precision, as the TypeScript twin does.
export function averagePoolForward(
  x: usize, first: i32, planes: i32, H: i32, W: i32, size: i32, stride: i32, pad: i32, OH: i32, OW: i32, out: usize,
): void {
  const scale = 1 / <f64>(size * size);
  for (let plane = first; plane < first + planes; plane++) {
    const input = plane * H * W;
    for (let oh = 0; oh < OH; oh++) {
      const top = oh * stride - pad;
      for (let ow = 0; ow < OW; ow++) {
        const left = ow * stride - pad;
        let sum: f64 = 0;
        for (let h = max(top, 0); h < min(top + size, H); h++) {
          for (let w = max(left, 0); w < min(left + size, W); w++) sum += <f64>load<f32>(x + (<usize>(input + h * W + w) << 2));
        }
        store<f32>(out + (<usize>((plane * OH + oh) * OW + ow) << 2), <f32>(sum * scale));
      }
    }
  }
}

// dx of planes first..first+planes zeroed, then each output's dout/size² added over its window. A
// plane's outputs reach only its own inputs, so threads splitting by planes never add into one value.
export function averagePoolBackward(
  dout: usize, first: i32, planes: i32, H: i32, W: i32, size: i32, stride: i32, pad: i32, OH: i32, OW: i32, dx: usize,
): void {
  const scale = 1 / <f64>(size * size);
  memory.fill(dx + (<usize>(first * H * W) << 2), 0, <usize>(planes * H * W) << 2);
  for (let plane = first; plane < first + planes; plane++) {
    const input = plane * H * W;
    for (let oh = 0; oh < OH; oh++) {
      const top = oh * stride - pad;
      for (let ow = 0; ow < OW; ow++) {
        const left = ow * stride - pad;
        const share = <f64>load<f32>(dout + (<usize>((plane * OH + oh) * OW + ow) << 2)) * scale;
        for (let h = max(top, 0); h < min(top + size, H); h++) {
          for (let w = max(left, 0); w < min(left + size, W); w++) {
            const at = dx + (<usize>(input + h * W + w) << 2);
            store<f32>(at, <f32>(<f64>load<f32>(at) + share));
          }
        }
      }
    }
  }
}

// Local response normalization over images first..first+count of x (N,C,plane): scale, factor =
// scale^-beta and out, each value in double precision and stored as float32, step for step as the
// TypeScript twin (src/kernels/normalization.ts) does; images are independent, so threads split them.
export function lrnForward(
  x: usize, first: i32, count: i32, C: i32, plane: i32, size: i32, k: f64, alpha: f64, beta: f64,
  scale: usize, factor: usize, out: usize,
): void {
  const half = (size - 1) >> 1;
  for (let n = first; n < first + count; n++) {
    const sample = n * C * plane;
    for (let c = 0; c < C; c++) {
      const row = sample + c * plane;
      for (let p = 0; p < plane; p++) store<f32>(scale + (<usize>(row + p) << 2), <f32>k);
      for (let neighbour = max(0, c - half); neighbour <= min(C - 1, c + half); neighbour++) {
        const from = sample + neighbour * plane;
        for (let p = 0; p < plane; p++) {
          const at = scale + (<usize>(row + p) << 2);
          const value = <f64>load<f32>(x + (<usize>(from + p) << 2));
          store<f32>(at, <f32>(<f64>load<f32>(at) + alpha * value * value));
        }
      }
      for (let i = row; i < row + plane; i++) {
        const at = <usize>i << 2;
        const s = <f64>load<f32>(scale + at);
        let f: f32;
        if (beta == 0.75) {
          const root = Math.sqrt(s);
          f = <f32>(1 / (root * Math.sqrt(root)));
        } else {
          f = <f32>Math.pow(s, -beta);
        }
        store<f32>(factor + at, f);
        store<f32>(out + at, <f32>(<f64>load<f32>(x + at) * <f64>f));
      }
    }
  }
}

// The gradient of lrnForward for images first..first+count; weighted is scratch the size of x.
export function lrnBackward(
  dout: usize, x: usize, scale: usize, factor: usize, first: i32, count: i32, C: i32, plane: i32, size: i32,
  alpha: f64, beta: f64, weighted: usize, dx: usize,
): void {
  const half = (size - 1) >> 1;
  const start = first * C * plane;
  const end = (first + count) * C * plane;
  for (let i = start; i < end; i++) {
    const at = <usize>i << 2;
    const product = <f64>load<f32>(dout + at) * <f64>load<f32>(x + at) * <f64>load<f32>(factor + at);
    store<f32>(weighted + at, <f32>(product / <f64>load<f32>(scale + at)));
  }
  const coefficient = 2 * alpha * beta;
  for (let n = first; n < first + count; n++) {
    const sample = n * C * plane;
    for (let c = 0; c < C; c++) {
      const row = sample + c * plane;
      memory.fill(dx + (<usize>row << 2), 0, <usize>plane << 2);
      for (let neighbour = max(0, c - half); neighbour <= min(C - 1, c + half); neighbour++) {
        const from = sample + neighbour * plane;
        for (let p = 0; p < plane; p++) {
          const at = dx + (<usize>(row + p) << 2);
          store<f32>(at, <f32>(<f64>load<f32>(at) + <f64>load<f32>(weighted + (<usize>(from + p) << 2))));
        }
      }
      for (let i = row; i < row + plane; i++) {
        const at = <usize>i << 2;
        const direct = <f64>load<f32>(dout + at) * <f64>load<f32>(factor + at);
        store<f32>(dx + at, <f32>(direct - coefficient * <f64>load<f32>(x + at) * <f64>load<f32>(dx + at)));
      }
    }
  }
}
