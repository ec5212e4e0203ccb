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
