// The fast raster operations against their definitions, computed the slow way on random rasters:
// van Herk's running extremes against a scan of every window, one-pass area averaging against
// overlaps summed pixel by pixel.

import { describe, expect, it } from 'vitest';
import { Random } from '../tensor/random.js';
import { extremeFilter, type Raster } from './raster.js';
import { scaleToLongerSide, shrink, shrinkRgba, upsample } from './resample.js';

function randomRaster(width: number, height: number, seed: number): Raster {
  const random = new Random(seed);
  return { width, height, values: Float32Array.from({ length: width * height }, () => random.uniform()) };
}

function expectClose(actual: Float32Array, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((level, index) => expect(level, `at ${index}`).toBeCloseTo(expected[index], 5));
}

describe('extremeFilter', () => {
  it.each([
    [1, 1, 1],
    [7, 5, 1],
    [13, 29, 2],
    [40, 9, 5],
    [6, 4, 20],
  ])('%ix%i r=%i: each pixel is the min (max) of the square around it, clipped at the edges', (width, height, radius) => {
    const raster = randomRaster(width, height, width * 100 + radius);
    for (const kind of ['min', 'max'] as const) {
      const expected = Array.from(raster.values, (_, index) => {
        const [x, y] = [index % width, Math.floor(index / width)];
        let extreme = kind === 'min' ? Infinity : -Infinity;
        for (let v = Math.max(0, y - radius); v <= Math.min(height - 1, y + radius); v++) {
          for (let u = Math.max(0, x - radius); u <= Math.min(width - 1, x + radius); u++) {
            extreme = (kind === 'min' ? Math.min : Math.max)(extreme, raster.values[v * width + u]);
          }
        }
        return extreme;
      });
      expectClose(extremeFilter(raster, radius, kind).values, expected);
    }
  });
});

describe('shrinking by area averaging', () => {
  // Target pixel (i, j) covers source [i, i + 1) x span by [j, j + 1) x span.
  function areaAverage({ width, height, values }: Raster, targetWidth: number, targetHeight: number): number[] {
    const [spanX, spanY] = [width / targetWidth, height / targetHeight];
    const overlap = (target: number, span: number, source: number): number =>
      Math.max(0, Math.min((target + 1) * span, source + 1) - Math.max(target * span, source));
    return Array.from({ length: targetWidth * targetHeight }, (_, index) => {
      const [i, j] = [index % targetWidth, Math.floor(index / targetWidth)];
      let sum = 0;
      for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) sum += overlap(i, spanX, x) * overlap(j, spanY, y) * values[y * width + x];
      return sum / (spanX * spanY);
    });
  }

  it.each([
    [7, 5, 3, 3, 2],
    [30, 17, 11, 11, 6],
    [9, 40, 8, 2, 8],
  ])('%ix%i to longer side %i gives %ix%i, each pixel the mean of the area it covers', (width, height, side, targetWidth, targetHeight) => {
    const raster = randomRaster(width, height, width + height);
    const shrunk = shrink(raster, side);
    expect([shrunk.width, shrunk.height]).toEqual([targetWidth, targetHeight]);
    expectClose(shrunk.values, areaAverage(raster, targetWidth, targetHeight));
    expectClose(scaleToLongerSide(raster, side).values, shrunk.values);
  });

  it('shrinks RGBA to premultiplied luminance and alpha, the same averages', () => {
    const [width, height] = [23, 14];
    const random = new Random(5);
    const data = Uint8Array.from({ length: width * height * 4 }, () => random.integer(256));
    const shrunk = shrinkRgba({ width, height, data }, 10);
    expect([shrunk.width, shrunk.height, shrunk.span[0]]).toEqual([10, 6, 2.3]);
    const channel = (level: (i: number) => number): Raster => ({ width, height, values: Float32Array.from({ length: width * height }, (_, i) => level(4 * i)) });
    const alpha = channel((i) => data[i + 3] / 255);
    const luminance = channel((i) => ((data[i + 3] / 255) * (0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2])) / 255);
    expectClose(shrunk.alpha, areaAverage(alpha, 10, 6));
    expectClose(shrunk.luminance, areaAverage(luminance, 10, 6));
  });

  it('leaves a picture already small enough as it is', () => {
    const raster = randomRaster(12, 8, 3);
    expectClose(shrink(raster, 20).values, raster.values);
  });

  it('enlarges a tiny digit to the box, each source pixel a block', () => {
    const enlarged = scaleToLongerSide({ width: 2, height: 1, values: Float32Array.of(0.25, 1) }, 4);
    expect([enlarged.width, enlarged.height]).toEqual([4, 2]);
    expectClose(enlarged.values, [0.25, 0.25, 1, 1, 0.25, 0.25, 1, 1]);
  });
});

describe('upsample', () => {
  it('reproduces a linear ramp between the outer pixel centres, and holds it flat beyond', () => {
    const ramp: Raster = { width: 4, height: 3, values: Float32Array.from({ length: 12 }, (_, i) => (i % 4) + 10 * Math.floor(i / 4)) };
    const fine = upsample(ramp, [2, 2], { left: 1, top: 0, width: 6, height: 6 });
    const position = (k: number): number => Math.min(3, Math.max(0, (k + 0.5) / 2 - 0.5));
    const expected = Array.from({ length: 36 }, (_, i) => position((i % 6) + 1) + 10 * Math.min(2, position(Math.floor(i / 6))));
    expectClose(fine.values, expected);
  });
});
