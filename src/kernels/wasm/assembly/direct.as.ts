// Direct convolution for the first layer (stride 1, no padding, no input gradient needed): the
// im2col path copies every input pixel KH*KW times, transposes the product into NCHW and back, and
// that copying, not the arithmetic, was most of conv1's time. Here the filters slide over the image
// itself: four neighbouring outputs at a time in one vector, one row of KW weights held in
// registers. The TypeScript reference is conv2dDirect in ../../conv-direct.ts.

import { workspaceBytes } from './gemm.as';
import { maxPoolWinners } from './layers.as';
import { madd } from './simd.as';

// x (N,C,H,W), weights (F,C,K,K), bias (F) -> out (N,F,OH,OW) for images first..first+count.
export function convolutionForward(
  x: usize, weights: usize, bias: usize, first: i32, count: i32, C: i32, H: i32, W: i32, F: i32, K: i32,
  OH: i32, OW: i32, out: usize,
): void {
  const P = OH * OW;
  for (let n = first; n < first + count; n++) {
    let f = 0;
    // 5x5 filters two at a time: each load of the image serves both, which halves the loads per
    // multiply-add (they, not the arithmetic, bound the single-filter loop).
    if (K == 5) {
      for (; f + 2 <= F; f += 2) {
        const plane = out + (<usize>((n * F + f) * P) << 2);
        fill(plane, load<f32>(bias + (<usize>f << 2)), P);
        fill(plane + (<usize>P << 2), load<f32>(bias + (<usize>(f + 1) << 2)), P);
        for (let c = 0; c < C; c++) {
          const image = x + (<usize>((n * C + c) * H * W) << 2);
          for (let kh = 0; kh < 5; kh++) {
            const row = weights + (<usize>(((f * C + c) * 5 + kh) * 5) << 2);
            addWeightedRowPair(image + (<usize>(kh * W) << 2), W, row, row + (<usize>(C * 25) << 2), plane, P, OH, OW);
          }
        }
      }
    }
    for (; f < F; f++) {
      const plane = out + (<usize>((n * F + f) * P) << 2);
      const b = load<f32>(bias + (<usize>f << 2));
      fill(plane, b, P);
      for (let c = 0; c < C; c++) {
        const image = x + (<usize>((n * C + c) * H * W) << 2);
        for (let kh = 0; kh < K; kh++) {
          const row = weights + (<usize>(((f * C + c) * K + kh) * K) << 2);
          addWeightedRows(image + (<usize>(kh * W) << 2), W, row, K, plane, OH, OW);
        }
      }
    }
  }
}

// The convolution, then ReLU and max pooling (no padding), image by image: each image's F maps go
// to `scratch` (this thread's workspace, F*OH*OW floats) and are pooled from there while still in
// the cache, so the maps of the whole batch are never written out to memory and read back. out and
// winners are (N,F,PH,PW): the pooled values, and each one's winner as maxPoolWinners gives it
// (where its patch starts in its image, or -1 where ReLU stopped it).
export function convolutionReluPool(
  x: usize, weights: usize, bias: usize, first: i32, count: i32, C: i32, H: i32, W: i32, F: i32, K: i32,
  size: i32, stride: i32, scratch: usize, out: usize, winners: usize,
): void {
  const OH = H - K + 1;
  const OW = W - K + 1;
  const PH = (OH - size) / stride + 1;
  const PW = (OW - size) / stride + 1;
  const pooled = F * PH * PW;
  const inRegisters = K == 5 && size == 2 && stride == 2 && OH % 2 == 0 && OW % 8 == 0 && F % 2 == 0;
  for (let n = first; n < first + count; n++) {
    const image = x + (<usize>(n * C * H * W) << 2);
    const at = <usize>(n * pooled) << 2;
    if (inRegisters) {
      convolutionReluPool5x5(image, weights, bias, C, H, W, F, OH, OW, out + at, winners + at);
      continue;
    }
    convolutionForward(image, weights, bias, 0, 1, C, H, W, F, K, OH, OW, scratch);
    maxPoolWinners(scratch, F, OH, OW, size, stride, PH, PW, out + at, winners + at, W);
  }
}

// The SimpleConvNet's case (5x5 filters, an even number of them, 2x2 pooling at stride 2, maps a
// multiple of 8 wide) without writing the maps at all: two filters at a time, two neighbouring
// output rows of eight columns each, in eight accumulators, then ReLU and the pooling straight from
// the registers. Each tap loads four image vectors and two weights for eight multiply-adds. The sums
// run in the same order as convolutionForward's (bias, then kh, kw in reading order), so the values
// are the same bits. (One loop per filter row, not all 25 taps unrolled: V8 would then load every
// vector first and keep them on the stack.)
function convolutionReluPool5x5(
  image: usize, weights: usize, bias: usize, C: i32, H: i32, W: i32, F: i32, OH: i32, OW: i32, out: usize, winners: usize,
): void {
  const PH = OH >> 1;
  const PW = OW >> 1;
  const rowBytes = <usize>W << 2;
  for (let f = 0; f < F; f += 2) {
    const biasA = v128.load32_splat(bias + (<usize>f << 2));
    const biasB = v128.load32_splat(bias + (<usize>(f + 1) << 2));
    const weightsA = weights + (<usize>(f * C * 25) << 2);
    const weightsB = weightsA + (<usize>(C * 25) << 2);
    for (let ph = 0; ph < PH; ph++) {
      for (let column = 0; column < OW; column += 8) {
        // a: filter f, b: filter f + 1; t: output row 2ph, u: the row below; 0 and 1: columns
        // column..column+3 and column+4..column+7.
        let at0 = biasA, at1 = biasA, au0 = biasA, au1 = biasA;
        let bt0 = biasB, bt1 = biasB, bu0 = biasB, bu1 = biasB;
        for (let c = 0; c < C; c++) {
          let row = image + (<usize>((c * H + 2 * ph) * W + column) << 2);
          let tapA = weightsA + (<usize>(c * 25) << 2);
          let tapB = weightsB + (<usize>(c * 25) << 2);
          for (let kh = 0; kh < 5; kh++) {
            for (let kw: usize = 0; kw < 20; kw += 4) {
              const wa = v128.load32_splat(tapA + kw);
              const wb = v128.load32_splat(tapB + kw);
              const top = row + kw;
              let v = v128.load(top);
              at0 = madd(wa, v, at0);
              bt0 = madd(wb, v, bt0);
              v = v128.load(top, 16);
              at1 = madd(wa, v, at1);
              bt1 = madd(wb, v, bt1);
              v = v128.load(top + rowBytes);
              au0 = madd(wa, v, au0);
              bu0 = madd(wb, v, bu0);
              v = v128.load(top + rowBytes, 16);
              au1 = madd(wa, v, au1);
              bu1 = madd(wb, v, bu1);
            }
            row += rowBytes;
            tapA += 20;
            tapB += 20;
          }
        }
        const unit = <usize>((f * PH + ph) * PW + (column >> 1)) << 2;
        poolRegisters(at0, at1, au0, au1, 2 * ph * W + column, W, out + unit, winners + unit);
        const next = unit + (<usize>(PH * PW) << 2);
        poolRegisters(bt0, bt1, bu0, bu1, 2 * ph * W + column, W, out + next, winners + next);
      }
    }
  }
}

// ReLU and 2x2 pooling of eight columns of two output rows (top0, top1 above bottom0, bottom1) into
// four pooled values and their winners, with maxPool2x2's operations in its order (layers.as.ts), so
// values and ties come out the same. start is where the top-left output's patch starts in the image.
@inline
function poolRegisters(top0: v128, top1: v128, bottom0: v128, bottom1: v128, start: i32, W: i32, out: usize, winners: usize): void {
  const zero = f32x4.splat(0);
  const a = f32x4.pmax(v128.shuffle<f32>(top0, top1, 0, 2, 4, 6), zero);
  const b = f32x4.pmax(v128.shuffle<f32>(top0, top1, 1, 3, 5, 7), zero);
  const c = f32x4.pmax(v128.shuffle<f32>(bottom0, bottom1, 0, 2, 4, 6), zero);
  const d = f32x4.pmax(v128.shuffle<f32>(bottom0, bottom1, 1, 3, 5, 7), zero);
  const best = f32x4.max(f32x4.max(a, b), f32x4.max(c, d));
  let offset = v128.bitselect(i32x4.splat(W), i32x4.splat(W + 1), f32x4.eq(c, best));
  offset = v128.bitselect(i32x4.splat(1), offset, f32x4.eq(b, best));
  offset = v128.bitselect(i32x4.splat(0), offset, f32x4.eq(a, best));
  const index = i32x4.add(i32x4.add(i32x4.splat(start), i32x4(0, 2, 4, 6)), offset);
  v128.store(out, best);
  v128.store(winners, v128.bitselect(index, i32x4.splat(-1), f32x4.gt(best, zero)));
}

function fill(target: usize, value: f32, n: i32): void {
  const vector = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(target + (<usize>i << 2), vector);
  for (; i < n; i++) store<f32>(target + (<usize>i << 2), value);
}

// addWeightedRows for two 5-wide filter rows at once: rowA into the plane at out, rowB into the
// plane P floats after it. Ten weights in registers, each image vector loaded once for both.
function addWeightedRowPair(image: usize, W: i32, rowA: usize, rowB: usize, out: usize, P: i32, OH: i32, OW: i32): void {
  const a0 = v128.load32_splat(rowA), a1 = v128.load32_splat(rowA, 4), a2 = v128.load32_splat(rowA, 8);
  const a3 = v128.load32_splat(rowA, 12), a4 = v128.load32_splat(rowA, 16);
  const b0 = v128.load32_splat(rowB), b1 = v128.load32_splat(rowB, 4), b2 = v128.load32_splat(rowB, 8);
  const b3 = v128.load32_splat(rowB, 12), b4 = v128.load32_splat(rowB, 16);
  const second = <usize>P << 2;
  for (let oh = 0; oh < OH; oh++) {
    const source = image + (<usize>(oh * W) << 2);
    const target = out + (<usize>(oh * OW) << 2);
    let ow = 0;
    for (; ow + 4 <= OW; ow += 4) {
      const at = source + (<usize>ow << 2);
      const into = target + (<usize>ow << 2);
      let v = v128.load(at);
      let sumA = madd(a0, v, v128.load(into));
      let sumB = madd(b0, v, v128.load(into + second));
      v = v128.load(at, 4);
      sumA = madd(a1, v, sumA);
      sumB = madd(b1, v, sumB);
      v = v128.load(at, 8);
      sumA = madd(a2, v, sumA);
      sumB = madd(b2, v, sumB);
      v = v128.load(at, 12);
      sumA = madd(a3, v, sumA);
      sumB = madd(b3, v, sumB);
      v = v128.load(at, 16);
      sumA = madd(a4, v, sumA);
      sumB = madd(b4, v, sumB);
      v128.store(into, sumA);
      v128.store(into + second, sumB);
    }
    for (; ow < OW; ow++) {
      let sumA: f32 = 0, sumB: f32 = 0;
      for (let kw = 0; kw < 5; kw++) {
        const value = load<f32>(source + (<usize>(ow + kw) << 2));
        sumA += load<f32>(rowA + (<usize>kw << 2)) * value;
        sumB += load<f32>(rowB + (<usize>kw << 2)) * value;
      }
      const into = target + (<usize>ow << 2);
      store<f32>(into, load<f32>(into) + sumA);
      store<f32>(into + second, load<f32>(into + second) + sumB);
    }
  }
}

// out[oh][ow] += sum over kw of row[kw] * image[oh][ow+kw], for every output: one filter row.
// Up to 7 weights live in registers; wider filters take the scalar loop. The common widths get
// their own inlined copy with K a constant, so the per-tap tests below fold away.
function addWeightedRows(image: usize, W: i32, row: usize, K: i32, out: usize, OH: i32, OW: i32): void {
  if (K == 5) addWeightedRowsOf(image, W, row, 5, out, OH, OW);
  else if (K == 3) addWeightedRowsOf(image, W, row, 3, out, OH, OW);
  else addWeightedRowsOf(image, W, row, K, out, OH, OW);
}

@inline
function addWeightedRowsOf(image: usize, W: i32, row: usize, K: i32, out: usize, OH: i32, OW: i32): void {
  if (K > 7) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        let sum: f32 = 0;
        for (let kw = 0; kw < K; kw++) {
          sum += load<f32>(row + (<usize>kw << 2)) * load<f32>(image + (<usize>(oh * W + ow + kw) << 2));
        }
        const at = out + (<usize>(oh * OW + ow) << 2);
        store<f32>(at, load<f32>(at) + sum);
      }
    }
    return;
  }
  const w0 = v128.load32_splat(row), w1 = v128.load32_splat(row, 4), w2 = v128.load32_splat(row, 8);
  const w3 = v128.load32_splat(row, 12), w4 = v128.load32_splat(row, 16), w5 = v128.load32_splat(row, 20);
  const w6 = v128.load32_splat(row, 24);
  for (let oh = 0; oh < OH; oh++) {
    const source = image + (<usize>(oh * W) << 2);
    const target = out + (<usize>(oh * OW) << 2);
    let ow = 0;
    for (; ow + 4 <= OW; ow += 4) {
      const at = source + (<usize>ow << 2);
      const into = target + (<usize>ow << 2);
      let sum = madd(w0, v128.load(at), v128.load(into));
      if (K > 1) sum = madd(w1, v128.load(at, 4), sum);
      if (K > 2) sum = madd(w2, v128.load(at, 8), sum);
      if (K > 3) sum = madd(w3, v128.load(at, 12), sum);
      if (K > 4) sum = madd(w4, v128.load(at, 16), sum);
      if (K > 5) sum = madd(w5, v128.load(at, 20), sum);
      if (K > 6) sum = madd(w6, v128.load(at, 24), sum);
      v128.store(into, sum);
    }
    for (; ow < OW; ow++) {
      let sum: f32 = 0;
      for (let kw = 0; kw < K; kw++) sum += load<f32>(row + (<usize>kw << 2)) * load<f32>(source + (<usize>(ow + kw) << 2));
      const into = target + (<usize>ow << 2);
      store<f32>(into, load<f32>(into) + sum);
    }
  }
}

// dW[f][c][kh][kw] = sum over n, oh, ow of dout[n][f][oh][ow] * x[n][c][oh+kh][ow+kw], and
// db[f] = the sum of dout's plane f, for filters first..first+count (a thread's share, so threads
// write disjoint weights and need no reduction). A row of K weights is summed at once: K vector
// accumulators, independent chains that share each load of dout.
export function convolutionWeightGradient(
  x: usize, dout: usize, N: i32, C: i32, H: i32, W: i32, first: i32, count: i32, F: i32, K: i32,
  OH: i32, OW: i32, dW: usize, db: usize,
): void {
  const P = OH * OW;
  for (let f = first; f < first + count; f++) {
    let biasSum: f32 = 0;
    for (let n = 0; n < N; n++) biasSum += sum(dout + (<usize>((n * F + f) * P) << 2), P);
    store<f32>(db + (<usize>f << 2), biasSum);
    for (let c = 0; c < C; c++) {
      for (let kh = 0; kh < K; kh++) {
        const row = dW + (<usize>(((f * C + c) * K + kh) * K) << 2);
        if (K > 7) weightRowScalar(x, dout, N, C, H, W, f, F, c, kh, K, OH, OW, row);
        else if (K == 5) weightRow(x, dout, N, C, H, W, f, F, c, kh, 5, OH, OW, row);
        else if (K == 3) weightRow(x, dout, N, C, H, W, f, F, c, kh, 3, OH, OW, row);
        else weightRow(x, dout, N, C, H, W, f, F, c, kh, K, OH, OW, row);
      }
    }
  }
}

@inline
function weightRow(
  x: usize, dout: usize, N: i32, C: i32, H: i32, W: i32, f: i32, F: i32, c: i32, kh: i32, K: i32,
  OH: i32, OW: i32, row: usize,
): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  let a4 = f32x4.splat(0), a5 = f32x4.splat(0), a6 = f32x4.splat(0);
  // Sums of the columns past the last whole vector, when OW is not a multiple of 4.
  let t0: f32 = 0, t1: f32 = 0, t2: f32 = 0, t3: f32 = 0, t4: f32 = 0, t5: f32 = 0, t6: f32 = 0;
  const P = OH * OW;
  for (let n = 0; n < N; n++) {
    const gradient = dout + (<usize>((n * F + f) * P) << 2);
    const image = x + (<usize>(((n * C + c) * H + kh) * W) << 2);
    for (let oh = 0; oh < OH; oh++) {
      const g = gradient + (<usize>(oh * OW) << 2);
      const v = image + (<usize>(oh * W) << 2);
      let ow = 0;
      for (; ow + 4 <= OW; ow += 4) {
        const d = v128.load(g + (<usize>ow << 2));
        const at = v + (<usize>ow << 2);
        a0 = madd(d, v128.load(at), a0);
        if (K > 1) a1 = madd(d, v128.load(at, 4), a1);
        if (K > 2) a2 = madd(d, v128.load(at, 8), a2);
        if (K > 3) a3 = madd(d, v128.load(at, 12), a3);
        if (K > 4) a4 = madd(d, v128.load(at, 16), a4);
        if (K > 5) a5 = madd(d, v128.load(at, 20), a5);
        if (K > 6) a6 = madd(d, v128.load(at, 24), a6);
      }
      for (; ow < OW; ow++) {
        const d = load<f32>(g + (<usize>ow << 2));
        const at = v + (<usize>ow << 2);
        t0 += d * load<f32>(at);
        if (K > 1) t1 += d * load<f32>(at, 4);
        if (K > 2) t2 += d * load<f32>(at, 8);
        if (K > 3) t3 += d * load<f32>(at, 12);
        if (K > 4) t4 += d * load<f32>(at, 16);
        if (K > 5) t5 += d * load<f32>(at, 20);
        if (K > 6) t6 += d * load<f32>(at, 24);
      }
    }
  }
  store<f32>(row, horizontal(a0) + t0);
  if (K > 1) store<f32>(row, horizontal(a1) + t1, 4);
  if (K > 2) store<f32>(row, horizontal(a2) + t2, 8);
  if (K > 3) store<f32>(row, horizontal(a3) + t3, 12);
  if (K > 4) store<f32>(row, horizontal(a4) + t4, 16);
  if (K > 5) store<f32>(row, horizontal(a5) + t5, 20);
  if (K > 6) store<f32>(row, horizontal(a6) + t6, 24);
}

// The weight gradient of a first convolution whose output went through ReLU and max pooling without
// padding, straight from the pooled gradient: the gradient reaches only the position each window's
// maximum came from, and only where ReLU let it through; the dense kernel above would multiply the
// zeros of the other positions too, three quarters of them for 2x2 pooling. dpool and winners are
// (N,F,PH,PW), winners as convolutionReluPool gives them (a patch's start in its image, or -1).
// dW and db as convolutionWeightGradient, for filters first..first+count; the convolution has
// stride 1 and no padding, so OH = H-K+1 and OW = W-K+1. workspace is the thread's (workspaceBytes).
export function convolutionWeightGradientPooled(
  x: usize, dpool: usize, winners: usize, N: i32, C: i32, H: i32, W: i32, first: i32, count: i32,
  F: i32, K: i32, size: i32, stride: i32, dW: usize, db: usize, workspace: usize,
): void {
  const PH = (H - K + 1 - size) / stride + 1;
  const PW = (W - K + 1 - size) / stride + 1;
  const units = PH * PW;
  // How many images' gathered winners the workspace holds, eight bytes each and three spare (none for
  // maps larger than about 270x270, which take the path for any filter size).
  const images = ((workspaceBytes() >> 3) - 3) / units;
  for (let f = first; f < first + count; f++) {
    let biasSum = f32x4.splat(0);
    let tail: f32 = 0;
    for (let n = 0; n < N; n++) {
      const plane = <usize>((n * F + f) * units) << 2;
      let u = 0;
      for (; u + 4 <= units; u += 4) {
        const at = plane + (<usize>u << 2);
        const passed = i32x4.gt_s(v128.load(winners + at), i32x4.splat(-1));
        biasSum = f32x4.add(biasSum, v128.and(v128.load(dpool + at), passed));
      }
      for (; u < units; u++) {
        const at = plane + (<usize>u << 2);
        if (load<i32>(winners + at) >= 0) tail += load<f32>(dpool + at);
      }
    }
    store<f32>(db + (<usize>f << 2), horizontal(biasSum) + tail);
    for (let c = 0; c < C; c++) {
      const row = dW + (<usize>((f * C + c) * K * K) << 2);
      if (K == 5 && images > 0) pooledRows5(x, dpool, winners, N, C, H, W, f, F, c, units, row, workspace, images);
      else pooledRowsAny(x, dpool, winners, N, C, H, W, f, F, c, K, units, row);
    }
  }
}

// For 5x5 filters, all in vectors: each filter row's kw 0..3 in one accumulator, and its kw 1..4 in
// another whose last lane (kw 4) is the one kept. First the units ReLU let through are gathered into
// two lists, their patches' addresses and their gradients, with no branch; then two passes over them,
// filter rows 0..2 and rows 3..4. One pass with all ten sums did not fit V8's vector registers (it
// schedules the ten loads first), and the sums it kept on the stack made each unit wait for a store
// and a reload; and a branch on every unit mispredicted where digits' strokes begin and end. Each sum
// adds the same terms in the same order as one pass would, so the numbers are the same. The lists
// live in the thread's matrix-product workspace, as many images at a time as fit.
function pooledRows5(
  x: usize, dpool: usize, winners: usize, N: i32, C: i32, H: i32, W: i32, f: i32, F: i32, c: i32, units: i32, row: usize,
  workspace: usize, images: i32,
): void {
  const gradients = workspace + (<usize>(workspaceBytes() >> 3) << 2);
  memory.fill(row, 0, 25 << 2);
  for (let n0 = 0; n0 < N; n0 += images) {
    const count = gatherWinners(x, dpool, winners, n0, min(N, n0 + images), C, H, W, f, F, c, units, workspace, gradients);
    pooledRowsTop(workspace, gradients, count, W, row);
    pooledRowsBottom(workspace, gradients, count, W, row);
  }
}

// For each 4-bit mask of lanes to keep, the swizzle that moves those lanes, in order, to the front.
const keptLanesFirst = memory.data<i32>([
  -1, -1, -1, -1,
  0x03020100, -1, -1, -1,
  0x07060504, -1, -1, -1,
  0x03020100, 0x07060504, -1, -1,
  0x0b0a0908, -1, -1, -1,
  0x03020100, 0x0b0a0908, -1, -1,
  0x07060504, 0x0b0a0908, -1, -1,
  0x03020100, 0x07060504, 0x0b0a0908, -1,
  0x0f0e0d0c, -1, -1, -1,
  0x03020100, 0x0f0e0d0c, -1, -1,
  0x07060504, 0x0f0e0d0c, -1, -1,
  0x03020100, 0x07060504, 0x0f0e0d0c, -1,
  0x0b0a0908, 0x0f0e0d0c, -1, -1,
  0x03020100, 0x0b0a0908, 0x0f0e0d0c, -1,
  0x07060504, 0x0b0a0908, 0x0f0e0d0c, -1,
  0x03020100, 0x07060504, 0x0b0a0908, 0x0f0e0d0c,
]);

// The units of images n0..n1 (filter f) that ReLU let through: their patches' addresses in x (channel
// c) from addresses on, their gradients from gradients on; returns how many. Four units at a time,
// each vector of four stored whole with the kept lanes moved to its front, so a list may be written up
// to three entries past its end.
function gatherWinners(
  x: usize, dpool: usize, winners: usize, n0: i32, n1: i32, C: i32, H: i32, W: i32, f: i32, F: i32, c: i32, units: i32,
  addresses: usize, gradients: usize,
): i32 {
  let count = 0;
  for (let n = n0; n < n1; n++) {
    const plane = <usize>((n * F + f) * units) << 2;
    const image = i32x4.splat(<i32>(x + (<usize>((n * C + c) * H * W) << 2)));
    const last = plane + (<usize>units << 2);
    let at = plane;
    for (; at + 16 <= last; at += 16) {
      const starts = v128.load(winners + at);
      const kept = i32x4.bitmask(starts) ^ 15;
      const pattern = v128.load(keptLanesFirst + (<usize>kept << 4));
      const patches = i32x4.add(image, i32x4.shl(starts, 2));
      v128.store(addresses + (<usize>count << 2), i8x16.swizzle(patches, pattern));
      v128.store(gradients + (<usize>count << 2), i8x16.swizzle(v128.load(dpool + at), pattern));
      count += popcnt(kept);
    }
    for (; at < last; at += 4) {
      const start = load<i32>(winners + at);
      store<i32>(addresses + (<usize>count << 2), i32x4.extract_lane(image, 0) + (start << 2));
      store<f32>(gradients + (<usize>count << 2), load<f32>(dpool + at));
      count += ~start >>> 31;
    }
  }
  return count;
}

// Filter rows 0, 1 and 2 of pooledRows5, added to what row holds. A row's kw 1..4 vector is read back
// from where its kw 4 was stored; its other lanes are never kept.
function pooledRowsTop(addresses: usize, gradients: usize, count: i32, W: i32, row: usize): void {
  let a0 = v128.load(row), b0 = v128.load(row, 4);
  let a1 = v128.load(row, 20), b1 = v128.load(row, 24);
  let a2 = v128.load(row, 40), b2 = v128.load(row, 44);
  const step = <usize>W << 2;
  for (let i = 0; i < count; i++) {
    const g = v128.load32_splat(gradients + (<usize>i << 2));
    let patch = <usize>load<u32>(addresses + (<usize>i << 2));
    a0 = madd(g, v128.load(patch), a0);
    b0 = madd(g, v128.load(patch, 4), b0);
    patch += step;
    a1 = madd(g, v128.load(patch), a1);
    b1 = madd(g, v128.load(patch, 4), b1);
    patch += step;
    a2 = madd(g, v128.load(patch), a2);
    b2 = madd(g, v128.load(patch, 4), b2);
  }
  // Row kh is dW[kh*5 .. kh*5+4]: its kw 0..3, then kw 4 from the other sum; the next row's vector
  // starts after it.
  v128.store(row, a0);
  store<f32>(row, f32x4.extract_lane(b0, 3), 16);
  v128.store(row, a1, 20);
  store<f32>(row, f32x4.extract_lane(b1, 3), 36);
  v128.store(row, a2, 40);
  store<f32>(row, f32x4.extract_lane(b2, 3), 56);
}

// Filter rows 3 and 4 of pooledRows5, as pooledRowsTop.
function pooledRowsBottom(addresses: usize, gradients: usize, count: i32, W: i32, row: usize): void {
  let a3 = v128.load(row, 60), b3 = v128.load(row, 64);
  let a4 = v128.load(row, 80), b4 = v128.load(row, 84);
  const step = <usize>W << 2;
  for (let i = 0; i < count; i++) {
    const g = v128.load32_splat(gradients + (<usize>i << 2));
    const patch = <usize>load<u32>(addresses + (<usize>i << 2)) + 3 * step;
    a3 = madd(g, v128.load(patch), a3);
    b3 = madd(g, v128.load(patch, 4), b3);
    a4 = madd(g, v128.load(patch + step), a4);
    b4 = madd(g, v128.load(patch + step, 4), b4);
  }
  v128.store(row, a3, 60);
  store<f32>(row, f32x4.extract_lane(b3, 3), 76);
  v128.store(row, a4, 80);
  store<f32>(row, f32x4.extract_lane(b4, 3), 96);
}

// Any other filter size: every weight summed in memory, one float at a time.
function pooledRowsAny(
  x: usize, dpool: usize, winners: usize, N: i32, C: i32, H: i32, W: i32, f: i32, F: i32, c: i32, K: i32, units: i32,
  row: usize,
): void {
  memory.fill(row, 0, <usize>(K * K) << 2);
  for (let n = 0; n < N; n++) {
    const plane = (n * F + f) * units;
    const image = x + (<usize>((n * C + c) * H * W) << 2);
    for (let u = plane; u < plane + units; u++) {
      const start = load<i32>(winners + (<usize>u << 2));
      if (start < 0) continue;
      const g = load<f32>(dpool + (<usize>u << 2));
      const patch = image + (<usize>start << 2);
      for (let kh = 0; kh < K; kh++) {
        for (let kw = 0; kw < K; kw++) {
          const weight = row + (<usize>(kh * K + kw) << 2);
          store<f32>(weight, load<f32>(weight) + g * load<f32>(patch + (<usize>(kh * W + kw) << 2)));
        }
      }
    }
  }
}

function weightRowScalar(
  x: usize, dout: usize, N: i32, C: i32, H: i32, W: i32, f: i32, F: i32, c: i32, kh: i32, K: i32,
  OH: i32, OW: i32, row: usize,
): void {
  const P = OH * OW;
  for (let kw = 0; kw < K; kw++) {
    let total: f32 = 0;
    for (let n = 0; n < N; n++) {
      const gradient = dout + (<usize>((n * F + f) * P) << 2);
      const image = x + (<usize>(((n * C + c) * H + kh) * W + kw) << 2);
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          total += load<f32>(gradient + (<usize>(oh * OW + ow) << 2)) * load<f32>(image + (<usize>(oh * W + ow) << 2));
        }
      }
    }
    store<f32>(row + (<usize>kw << 2), total);
  }
}

@inline
function horizontal(vector: v128): f32 {
  return f32x4.extract_lane(vector, 0) + f32x4.extract_lane(vector, 1) + f32x4.extract_lane(vector, 2) + f32x4.extract_lane(vector, 3);
}

function sum(values: usize, n: i32): f32 {
  let vector = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) vector = f32x4.add(vector, v128.load(values + (<usize>i << 2)));
  let total = horizontal(vector);
  for (; i < n; i++) total += load<f32>(values + (<usize>i << 2));
  return total;
}
