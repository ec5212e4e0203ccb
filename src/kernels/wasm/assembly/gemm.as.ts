// Float32 matrix product in WebAssembly SIMD, written in AssemblyScript and compiled by
// scripts/build-wasm.js into ../kernels.wasm (and ../kernels-relaxed.wasm). The TypeScript side
// (../wasm-kernels.ts) calls gemm with the operands' addresses in shared memory; nothing here allocates.
//
// The story, as in GotoBLAS: cut K into blocks of KC and N into blocks of NC, and pack each block
// of op(B) into panels NR columns wide; then, MC rows at a time, pack op(A) into micro-panels MR
// rows wide. Both packings turn either storage order into the same unit-stride stream, so one
// micro-kernel serves all four transpose cases. The micro-kernel holds an (MR,NR) tile of C in
// eight f32x4 registers through the whole K block, broadcasting each element of A straight from
// memory (v128.load32_splat) against two vectors of B, each step a multiply-add (simd.as.ts: fused
// in the relaxed build). V8 keeps 4x8 in registers; 6x8 spills.

import { madd } from './simd.as';

const MR = 4; // rows of C per micro-tile
const NR = 8; // columns of C per micro-tile: two f32x4
const KC = 256; // depth of a packed block: one panel (KC,NR) is 8 KiB and stays in L1
const NC = 512; // width of a packed block of B: (KC,NC) is 512 KiB and stays in L2
const MC = 64; // rows of A packed and walked per block, a multiple of MR: (MC,KC) is 64 KiB

/** The first byte free for the caller: the module keeps nothing in memory, but asks to be sure. */
export function heapBase(): usize {
  return __heap_base;
}

/** Bytes of workspace gemm needs: a packed block of op(B), a packed block of A, one edge tile of C. */
export function workspaceBytes(): i32 {
  return (KC * NC + MC * KC + MR * NR) << 2;
}

/**
 * C (M,N) = op(A) (M,K) * op(B) (K,N), plus C when accumulating. All row-major float32 at byte
 * addresses a, b, c; A is stored (K,M) when transA, B is stored (N,K) when transB. lda, ldb and ldc
 * are the row lengths of the stored matrices, so a thread can take a block of a larger product.
 */
export function gemm(
  transA: bool, transB: bool, M: i32, N: i32, K: i32,
  a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, accumulate: bool, workspace: usize,
): void {
  // Byte steps between neighbours of op(A) along i and k, and of op(B) along k and j.
  const aRow: usize = transA ? 4 : <usize>lda << 2;
  const aDepth: usize = transA ? <usize>lda << 2 : 4;
  const bDepth: usize = transB ? 4 : <usize>ldb << 2;
  const bColumn: usize = transB ? <usize>ldb << 2 : 4;
  const cRow: usize = <usize>ldc << 2;
  const packedB = workspace;
  const packedA = packedB + ((KC * NC) << 2);
  const tile = packedA + ((MC * KC) << 2);
  for (let j0 = 0; j0 < N; j0 += NC) {
    const nc = min(NC, N - j0);
    for (let k0 = 0; k0 < K; k0 += KC) {
      const kc = min(KC, K - k0);
      packB(b + <usize>k0 * bDepth + <usize>j0 * bColumn, bDepth, bColumn, nc, kc, packedB);
      const add = accumulate || k0 > 0;
      for (let i0 = 0; i0 < M; i0 += MC) {
        const mc = min(MC, M - i0);
        packA(a + <usize>i0 * aRow + <usize>k0 * aDepth, aRow, aDepth, mc, kc, packedA);
        for (let jp = 0; jp < nc; jp += NR) {
          const panel = packedB + (<usize>(jp * kc) << 2);
          const columns = min(NR, nc - jp);
          for (let ip = 0; ip < mc; ip += MR) {
            const micropanel = packedA + (<usize>(ip * kc) << 2);
            const rows = min(MR, mc - ip);
            const corner = c + <usize>(i0 + ip) * cRow + (<usize>(j0 + jp) << 2);
            if (columns > NR / 2) kernel4x8(micropanel, panel, kc, corner, cRow, rows, columns, add, tile);
            else kernel4x4(micropanel, panel, kc, corner, cRow, rows, columns, add, tile);
          }
        }
      }
    }
  }
}

// Rows 0..mc, depth 0..kc of op(A) from `a` (neighbours aRow bytes apart along i, aDepth along k)
// into micro-panels (kc,MR): the MR rows of a micro-tile side by side at every k, rows past mc zero.
// When the MR rows are neighbours in memory (transA) that is one vector copy per k; when each row
// runs along k it is a 4x4 transpose per four k; what is left goes one float at a time.
function packA(a: usize, aRow: usize, aDepth: usize, mc: i32, kc: i32, packed: usize): void {
  for (let ip = 0; ip < mc; ip += MR) {
    const rows = min(MR, mc - ip);
    const source = a + <usize>ip * aRow;
    const target = packed + (<usize>(ip * kc) << 2);
    let k = 0;
    if (rows == MR && aRow == 4) {
      for (; k < kc; k++) v128.store(target + (<usize>k << 4), v128.load(source + <usize>k * aDepth));
    } else if (rows == MR) {
      for (; k + 4 <= kc; k += 4) transpose4x4(source + (<usize>k << 2), aRow, target + (<usize>k << 4), MR << 2);
    }
    for (let r = 0; r < MR; r++) {
      const element = target + (<usize>(k * MR + r) << 2);
      if (r < rows) copyStrided(source + <usize>r * aRow + <usize>k * aDepth, aDepth, element, MR << 2, kc - k);
      else zeroStrided(element, MR << 2, kc - k);
    }
  }
}

// Width of the packed panel that holds `columns` columns: NR, or half of it for a narrow last panel.
@inline
function panelWidth(columns: i32): i32 {
  return columns > NR / 2 ? NR : NR / 2;
}

// Depth 0..kc, columns 0..nc of op(B) from `b` (neighbours bDepth bytes apart along k, bColumn
// along j) into panels (kc,width), columns past nc zero. The same three cases as packA: two vector
// copies per k when B is stored (K,N), two 4x4 transposes per four k when stored (N,K), then floats.
function packB(b: usize, bDepth: usize, bColumn: usize, nc: i32, kc: i32, packed: usize): void {
  for (let jp = 0; jp < nc; jp += NR) {
    const columns = min(NR, nc - jp);
    const width = panelWidth(columns);
    const source = b + <usize>jp * bColumn;
    const target = packed + (<usize>(jp * kc) << 2);
    let k = 0;
    if (columns == NR && bColumn == 4) {
      for (; k < kc; k++) {
        const from = source + <usize>k * bDepth;
        const to = target + (<usize>k << 5);
        v128.store(to, v128.load(from));
        v128.store(to, v128.load(from, 16), 16);
      }
    } else if (columns == NR) {
      for (; k + 4 <= kc; k += 4) {
        transpose4x4(source + (<usize>k << 2), bColumn, target + (<usize>k << 5), NR << 2);
        transpose4x4(source + 4 * bColumn + (<usize>k << 2), bColumn, target + (<usize>k << 5) + 16, NR << 2);
      }
    }
    for (let j = 0; j < width; j++) {
      const element = target + (<usize>(k * width + j) << 2);
      if (j < columns) copyStrided(source + <usize>j * bColumn + <usize>k * bDepth, bDepth, element, <usize>width << 2, kc - k);
      else zeroStrided(element, <usize>width << 2, kc - k);
    }
  }
}

// Four rows of four floats (rows rowStep bytes apart from `source`) stored as their four columns,
// each column a vector, targetStep bytes apart from `target`.
@inline
function transpose4x4(source: usize, rowStep: usize, target: usize, targetStep: usize): void {
  const r0 = v128.load(source), r1 = v128.load(source + rowStep);
  const r2 = v128.load(source + 2 * rowStep), r3 = v128.load(source + 3 * rowStep);
  const low01 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), low23 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const high01 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7), high23 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(target, v128.shuffle<f32>(low01, low23, 0, 1, 4, 5));
  v128.store(target + targetStep, v128.shuffle<f32>(low01, low23, 2, 3, 6, 7));
  v128.store(target + 2 * targetStep, v128.shuffle<f32>(high01, high23, 0, 1, 4, 5));
  v128.store(target + 3 * targetStep, v128.shuffle<f32>(high01, high23, 2, 3, 6, 7));
}

function copyStrided(source: usize, sourceStep: usize, target: usize, targetStep: usize, count: i32): void {
  for (let n = 0; n < count; n++) {
    store<f32>(target, load<f32>(source));
    source += sourceStep;
    target += targetStep;
  }
}

function zeroStrided(target: usize, targetStep: usize, count: i32): void {
  for (let n = 0; n < count; n++) {
    store<f32>(target, 0);
    target += targetStep;
  }
}

// Micro-kernel. The (MR,NR) tile of C at c, rows cRow bytes apart, gets [C +] the sum over
// k < depth of a[k][r] * panel[k][j], from packed micro-panels a (depth,MR) and panel (depth,NR).
// Only its (rows,columns) corner is real: a partial tile goes through `tile`, so that no store
// lands outside C.
function kernel4x8(
  a: usize, panel: usize, depth: i32,
  c: usize, cRow: usize, rows: i32, columns: i32, add: bool, tile: usize,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const end = panel + <usize>depth * (NR << 2);
  for (let b = panel; b < end; b += NR << 2) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let s = v128.load32_splat(a);
    c00 = madd(s, b0, c00);
    c01 = madd(s, b1, c01);
    s = v128.load32_splat(a, 4);
    c10 = madd(s, b0, c10);
    c11 = madd(s, b1, c11);
    s = v128.load32_splat(a, 8);
    c20 = madd(s, b0, c20);
    c21 = madd(s, b1, c21);
    s = v128.load32_splat(a, 12);
    c30 = madd(s, b0, c30);
    c31 = madd(s, b1, c31);
    a += MR << 2;
  }
  const full = rows == MR && columns == NR;
  const target = full ? c : tile;
  const step: usize = full ? cRow : NR << 2;
  storeRow(target, c00, c01, add && full);
  storeRow(target + step, c10, c11, add && full);
  storeRow(target + 2 * step, c20, c21, add && full);
  storeRow(target + 3 * step, c30, c31, add && full);
  if (!full) copyTile(tile, rows, columns, c, cRow, add);
}

// The same micro-kernel for a narrow last panel of B (depth,NR/2): a (MR,NR/2) tile in four registers.
function kernel4x4(
  a: usize, panel: usize, depth: i32,
  c: usize, cRow: usize, rows: i32, columns: i32, add: bool, tile: usize,
): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  const end = panel + <usize>depth * (NR << 1);
  for (let b = panel; b < end; b += NR << 1) {
    const b0 = v128.load(b);
    c0 = madd(v128.load32_splat(a), b0, c0);
    c1 = madd(v128.load32_splat(a, 4), b0, c1);
    c2 = madd(v128.load32_splat(a, 8), b0, c2);
    c3 = madd(v128.load32_splat(a, 12), b0, c3);
    a += MR << 2;
  }
  const full = rows == MR && columns == NR / 2;
  const target = full ? c : tile;
  const step: usize = full ? cRow : NR << 2;
  storeHalfRow(target, c0, add && full);
  storeHalfRow(target + step, c1, add && full);
  storeHalfRow(target + 2 * step, c2, add && full);
  storeHalfRow(target + 3 * step, c3, add && full);
  if (!full) copyTile(tile, rows, columns, c, cRow, add);
}

@inline
function storeRow(target: usize, low: v128, high: v128, add: bool): void {
  if (add) {
    low = f32x4.add(low, v128.load(target));
    high = f32x4.add(high, v128.load(target, 16));
  }
  v128.store(target, low);
  v128.store(target, high, 16);
}

@inline
function storeHalfRow(target: usize, value: v128, add: bool): void {
  v128.store(target, add ? f32x4.add(value, v128.load(target)) : value);
}

// The real (rows,columns) corner of an edge tile, laid out (MR,NR), into C: a vector while four
// columns remain, then floats.
function copyTile(tile: usize, rows: i32, columns: i32, c: usize, cRow: usize, add: bool): void {
  for (let r = 0; r < rows; r++) {
    const source = tile + (<usize>(r * NR) << 2);
    const target = c + <usize>r * cRow;
    let j = 0;
    for (; j + 4 <= columns; j += 4) {
      const value = v128.load(source + (<usize>j << 2));
      v128.store(target + (<usize>j << 2), add ? f32x4.add(value, v128.load(target + (<usize>j << 2))) : value);
    }
    for (; j < columns; j++) {
      const value = load<f32>(source + (<usize>j << 2));
      store<f32>(target + (<usize>j << 2), add ? value + load<f32>(target + (<usize>j << 2)) : value);
    }
  }
}
