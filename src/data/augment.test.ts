import { describe, it, expect } from 'vitest';
import { Random } from '../tensor/random.js';
import { augmentBatch, defaultAugment, transformImage } from './augment.js';

const ROWS = 28;
const COLUMNS = 28;
const SIZE = ROWS * COLUMNS;

/** count images of random values in [0,1], every pixel nonzero, so no two shifts of one image agree. */
function noiseImages(count: number, seed: number, rows = ROWS, columns = COLUMNS): Float32Array {
  const random = new Random(seed);
  return Float32Array.from({ length: count * rows * columns }, () => 0.01 + 0.99 * random.uniform());
}

/** A digit-like blob: a thick ring (a zero) in the middle of a 28x28 image, soft edges, values in [0,1]. */
function ringImage(): Float32Array {
  const image = new Float32Array(SIZE);
  for (let r = 0; r < ROWS; r++) {
    for (let c = 0; c < COLUMNS; c++) {
      const radius = Math.hypot((r - 13.5) / 1.3, c - 13.5);
      image[r * COLUMNS + c] = Math.max(0, Math.min(1, 2.5 - Math.abs(radius - 6)));
    }
  }
  return image;
}

/** Image n of images shifted by dx columns right and dy rows down, zeros filled in, written to out. */
function shifted(images: Float32Array, n: number, dx: number, dy: number, rows: number, columns: number): Float32Array {
  const out = new Float32Array(rows * columns);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const sr = r - dy;
      const sc = c - dx;
      if (sr >= 0 && sr < rows && sc >= 0 && sc < columns) out[r * columns + c] = images[n * rows * columns + sr * columns + sc];
    }
  }
  return out;
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

function sum(values: Float32Array): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

describe('augmentBatch', () => {
  it('is reproducible from the seed and differs between seeds', () => {
    const source = noiseImages(8, 1);
    const run = (seed: number): Float32Array => {
      const target = new Float32Array(source.length);
      augmentBatch(source, target, 8, ROWS, COLUMNS, new Random(seed));
      return target;
    };
    const first = run(42);
    expect(sameBits(first, run(42))).toBe(true);
    expect(sameBits(first, run(43))).toBe(false);
    expect(sameBits(first, source)).toBe(false);
  });

  it('without rotation copies each image exactly shifted by the drawn (dx, dy), and draws all 25 shifts', () => {
    const count = 200;
    const rows = 9;
    const columns = 11;
    const size = rows * columns;
    const source = noiseImages(count, 2, rows, columns);
    const target = new Float32Array(source.length).fill(-1);
    augmentBatch(source, target, count, rows, columns, new Random(7), { maxShift: 2, maxRotationDegrees: 0 });
    // The same stream drawn by hand: dx, dy, then the angle, per image.
    const replica = new Random(7);
    const seen = new Set<string>();
    for (let n = 0; n < count; n++) {
      const output = target.subarray(n * size, (n + 1) * size);
      const matches: string[] = [];
      for (let dy = -2; dy <= 2; dy++) {
        for (let dx = -2; dx <= 2; dx++) {
          if (sameBits(output, shifted(source, n, dx, dy, rows, columns))) matches.push(`${dx},${dy}`);
        }
      }
      expect(matches).toHaveLength(1);
      const dx = replica.integer(5) - 2;
      const dy = replica.integer(5) - 2;
      replica.uniform();
      expect(matches[0]).toBe(`${dx},${dy}`);
      seen.add(matches[0]);
    }
    expect(seen.size).toBe(25);
  });

  it('with no shift and no rotation reproduces the input bit for bit', () => {
    const source = noiseImages(5, 3);
    source.fill(0, 0, 100);
    source.fill(1, 200, 300);
    const target = new Float32Array(source.length + 10).fill(-1);
    augmentBatch(source, target, 5, ROWS, COLUMNS, new Random(9), { maxShift: 0, maxRotationDegrees: 0 });
    expect(sameBits(target.subarray(0, source.length), source)).toBe(true);
    expect(Array.from(target.subarray(source.length))).toEqual(new Array(10).fill(-1));
  });

  it('keeps outputs of inputs in [0,1] within [0,1], saturated images included', () => {
    const count = 40;
    const source = noiseImages(count, 4);
    source.fill(1, 0, SIZE); // all ink: bilinear weights that sum to 1 + epsilon must not give more than 1
    source.fill(0, SIZE, 2 * SIZE);
    source.set(ringImage(), 2 * SIZE);
    for (let i = 3 * SIZE; i < 4 * SIZE; i += 3) source[i] = 1;
    const target = new Float32Array(source.length);
    augmentBatch(source, target, count, ROWS, COLUMNS, new Random(5), { maxShift: 3, maxRotationDegrees: 30 });
    let low = Infinity;
    let high = -Infinity;
    for (const value of target) {
      low = Math.min(low, value);
      high = Math.max(high, value);
    }
    expect(low).toBeGreaterThanOrEqual(0);
    expect(high).toBeLessThanOrEqual(1);
    expect(high).toBeGreaterThan(0.9);
    expect(Array.from(target.subarray(SIZE, 2 * SIZE)).every((value) => value === 0)).toBe(true);
  });

  it('uses the default options when none are given', () => {
    expect(defaultAugment).toEqual({ maxShift: 2, maxRotationDegrees: 10 });
    const source = noiseImages(3, 6);
    const implicit = new Float32Array(source.length);
    const explicit = new Float32Array(source.length);
    augmentBatch(source, implicit, 3, ROWS, COLUMNS, new Random(11));
    augmentBatch(source, explicit, 3, ROWS, COLUMNS, new Random(11), { maxShift: 2, maxRotationDegrees: 10 });
    expect(sameBits(implicit, explicit)).toBe(true);
  });

  it('refuses bad arguments with RangeErrors that name the function and the numbers', () => {
    const source = new Float32Array(2 * SIZE);
    const target = new Float32Array(2 * SIZE);
    const random = new Random(1);
    const call = (overrides: Partial<{ source: Float32Array; target: Float32Array; count: number; rows: number; columns: number; maxShift: number; maxRotationDegrees: number }>) => () =>
      augmentBatch(
        overrides.source ?? source,
        overrides.target ?? target,
        overrides.count ?? 2,
        overrides.rows ?? ROWS,
        overrides.columns ?? COLUMNS,
        random,
        { maxShift: overrides.maxShift ?? 2, maxRotationDegrees: overrides.maxRotationDegrees ?? 10 },
      );
    expect(call({})).not.toThrow();
    expect(call({ count: 3 })).toThrow(/augmentBatch: 3 images of 28x28 need 2352 floats, got source 1568 and target 1568/);
    expect(call({ target: new Float32Array(SIZE) })).toThrow(/augmentBatch: .*target 784/);
    expect(call({ target: source })).toThrow(/augmentBatch: source and target overlap/);
    const shared = new Float32Array(3 * SIZE);
    expect(call({ source: shared.subarray(0, 2 * SIZE), target: shared.subarray(SIZE) })).toThrow(/overlap/);
    expect(call({ source: shared.subarray(0, SIZE), target: shared.subarray(SIZE), count: 1 })).not.toThrow();
    expect(call({ count: -1 })).toThrow(/augmentBatch: count must be a non-negative integer, got -1/);
    expect(call({ count: 1.5 })).toThrow(/got 1.5/);
    expect(call({ rows: 0 })).toThrow(/augmentBatch: rows and columns must be positive integers, got 0x28/);
    expect(call({ maxShift: -1 })).toThrow(/augmentBatch: maxShift must be a non-negative integer, got -1/);
    expect(call({ maxShift: 1.5 })).toThrow(/maxShift .* got 1.5/);
    expect(call({ maxShift: Infinity })).toThrow(/maxShift .* got Infinity/);
    expect(call({ maxRotationDegrees: -5 })).toThrow(/augmentBatch: maxRotationDegrees must be a non-negative finite number, got -5/);
    expect(call({ maxRotationDegrees: NaN })).toThrow(/maxRotationDegrees .* got NaN/);
    expect(call({ maxRotationDegrees: Infinity })).toThrow(RangeError);
    for (const overrides of [{ count: 3 }, { target: source }, { maxShift: -1 }, { maxRotationDegrees: NaN }, { rows: 2.5 }]) {
      expect(call(overrides)).toThrow(RangeError);
    }
  });
});

describe('transformImage', () => {
  // 5x5, every value distinct, so any wrong mapping shows.
  const N = 5;
  const square = Float32Array.from({ length: N * N }, (_, i) => (i + 1) / (N * N));
  const at = (image: Float32Array, r: number, c: number): number => image[r * N + c];

  it('rotates a quarter turn counterclockwise exactly (the right column becomes the top row)', () => {
    const target = new Float32Array(N * N).fill(-1);
    transformImage(square, 0, target, 0, N, N, 0, 0, Math.PI / 2);
    for (let r = 0; r < N; r++) {
      for (let c = 0; c < N; c++) expect(at(target, r, c)).toBe(at(square, c, N - 1 - r));
    }
    transformImage(square, 0, target, 0, N, N, 0, 0, -Math.PI / 2);
    for (let r = 0; r < N; r++) {
      for (let c = 0; c < N; c++) expect(at(target, r, c)).toBe(at(square, N - 1 - c, r));
    }
    transformImage(square, 0, target, 0, N, N, 0, 0, Math.PI);
    for (let r = 0; r < N; r++) {
      for (let c = 0; c < N; c++) expect(at(target, r, c)).toBe(at(square, N - 1 - r, N - 1 - c));
    }
  });

  it('rotates first, then shifts dx columns right and dy rows down, at the given offsets', () => {
    const source = new Float32Array(3 + N * N);
    source.set(square, 3);
    const target = new Float32Array(2 + N * N).fill(-1);
    transformImage(source, 3, target, 2, N, N, 1, -1, Math.PI / 2);
    expect(target[0]).toBe(-1);
    expect(target[1]).toBe(-1);
    const image = target.subarray(2);
    for (let r = 0; r < N; r++) {
      for (let c = 0; c < N; c++) {
        const rr = r + 1; // undo dy = -1
        const rc = c - 1; // undo dx = 1
        const expected = rr < N && rc >= 0 ? at(square, rc, N - 1 - rr) : 0;
        expect(at(image, r, c)).toBe(expected);
      }
    }
  });

  it('interpolates between pixels: a half-pixel shift averages neighbours', () => {
    const row = Float32Array.from([0, 1, 0, 0.5, 0.5]);
    const target = new Float32Array(5);
    transformImage(row, 0, target, 0, 1, 5, 0.5, 0, 0);
    expect(Array.from(target)).toEqual([0, 0.5, 0.5, 0.25, 0.5]);
  });

  it('keeps the ink of a digit-like blob within 10% under rotations of ±10 degrees', () => {
    const ring = ringImage();
    const ink = sum(ring);
    expect(ink).toBeGreaterThan(50);
    const target = new Float32Array(SIZE);
    for (const degrees of [-10, -5, 3, 10]) {
      transformImage(ring, 0, target, 0, ROWS, COLUMNS, 0, 0, (degrees * Math.PI) / 180);
      expect(Math.abs(sum(target) - ink) / ink).toBeLessThan(0.1);
      expect(sameBits(target, ring)).toBe(false);
    }
  });

  it('refuses offsets that do not fit, non-finite transforms and in-place use', () => {
    const target = new Float32Array(N * N);
    expect(() => transformImage(square, 1, target, 0, N, N, 0, 0, 0)).toThrow(/transformImage: source offset 1 with 25 pixels does not fit the source of 25/);
    expect(() => transformImage(square, 0, target, -1, N, N, 0, 0, 0)).toThrow(/transformImage: target offset -1/);
    expect(() => transformImage(square, 0, target, 0, N, N, NaN, 0, 0)).toThrow(/transformImage: dx must be finite, got NaN/);
    expect(() => transformImage(square, 0, target, 0, N, N, 0, 0, Infinity)).toThrow(/transformImage: angle must be finite, got Infinity/);
    expect(() => transformImage(square, 0, square, 0, N, N, 0, 0, 0)).toThrow(/transformImage: source and target overlap/);
    expect(() => transformImage(square, 0, target, 0, 0, N, 0, 0, 0)).toThrow(RangeError);
  });
});
