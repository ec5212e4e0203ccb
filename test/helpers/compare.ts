// Closeness checks that name the first mismatch, so a failing kernel test says where it broke.

export function firstMismatch(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  atol: number,
  rtol: number,
): string | undefined {
  if (actual.length !== expected.length) return `length ${actual.length} != ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) return `index ${i}: got ${a}, expected ${e}`;
  }
  return undefined;
}

/** max |a-b| / max(|a|+|b|, tiny): the book's gradient-check measure, as one number per array. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let difference = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    difference = Math.max(difference, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(a[i]) + Math.abs(b[i]));
  }
  return difference / Math.max(scale, 1e-12);
}

export function randomArray(length: number, random: { uniform(): number }, Type: Float32ArrayConstructor | Float64ArrayConstructor = Float64Array): Float32Array | Float64Array {
  const values = new Type(length);
  for (let i = 0; i < length; i++) values[i] = random.uniform() * 2 - 1;
  return values;
}
