// The one operation the two kernel builds differ in. The relaxed build (--enable relaxed-simd) fuses
// a multiply and an add into one instruction where the CPU has one (FMA on x86-64 and ARM): half the
// instructions in every inner loop, and one rounding instead of two, so its sums differ from the
// plain build's in the last bits. Each build on its own stays reproducible.

/** a * b + c on four lanes. */
@inline
export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/**
 * For the benchmark: `iterations` rounds of twelve independent four-lane multiply-adds with no memory
 * traffic, the most this build can compute (96 flops a round). Returns a sum so that nothing is
 * optimised away.
 */
export function multiplyAddPeak(iterations: i32): f32 {
  const scale = f32x4.splat(0.999);
  const one = f32x4.splat(1);
  let a0 = one, a1 = one, a2 = one, a3 = one, a4 = one, a5 = one;
  let a6 = one, a7 = one, a8 = one, a9 = one, a10 = one, a11 = one;
  for (let i = 0; i < iterations; i++) {
    a0 = madd(a0, scale, one); a1 = madd(a1, scale, one); a2 = madd(a2, scale, one); a3 = madd(a3, scale, one);
    a4 = madd(a4, scale, one); a5 = madd(a5, scale, one); a6 = madd(a6, scale, one); a7 = madd(a7, scale, one);
    a8 = madd(a8, scale, one); a9 = madd(a9, scale, one); a10 = madd(a10, scale, one); a11 = madd(a11, scale, one);
  }
  const sum = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  return f32x4.extract_lane(f32x4.add(sum, f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11))), 0);
}
