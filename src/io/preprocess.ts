// Turns a decoded picture of one digit into the network's 28x28 input the way MNIST was made: grey
// levels, ink bright on black, cropped, scaled into a 20x20 box keeping the aspect ratio with area
// averaging, then placed so its centre of mass sits at the middle of 28x28. Before that come the
// clean-ups a phone photo or a canvas drawing needs (transparency, polarity, uneven paper and
// shadows, noise, ruled lines, specks), which live in ink.ts and the files it uses, and the fix for
// thin pens. Pure: RGBA bytes in, 784 floats out.

import { findInk } from './ink.js';
import { dilate, type Raster, type RgbaImage } from './raster.js';
import { scaleToLongerSide } from './resample.js';

export type { RgbaImage } from './raster.js';

export interface PreparedDigit {
  pixels: Float32Array; // 28x28 row-major in [0,1], light ink on black
  inverted: boolean; // the source had dark ink on a light background
  empty: boolean; // no ink stands out from the background
}

const SIDE = 28;
const BOX = 20;
// MNIST strokes are about 0.09 of the digit's longer side (median; 5% are below 0.065). A thin pen
// on a big drawing would fade to a faint hairline at 20 pixels, so it is thickened to the median.
const THIN_STROKE = 0.06;
const TYPICAL_STROKE = 0.09;
// Stroke width is measured and fixed on the crop shrunk to this size: five times the 20-pixel box
// is detail enough, and it bounds the cost of a large photo.
const WORKING_SIDE = 100;
const RAMP = ' .:-=+*#%@';

export function preprocessDigit(image: RgbaImage): PreparedDigit {
  checkRgbaImage(image);
  const { ink: digit, inverted } = findInk(image);
  if (!digit) return { pixels: new Float32Array(SIDE * SIDE), inverted, empty: true };
  const working = Math.max(digit.width, digit.height) > WORKING_SIDE ? scaleToLongerSide(digit, WORKING_SIDE) : digit;
  return { pixels: centreByMass(fitInBox(thickenThinStrokes(working))), inverted, empty: false };
}

/** A RangeError unless `image` is a whole number of pixels each way with 4 bytes per pixel. */
export function checkRgbaImage({ width, height, data }: RgbaImage): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || data.length !== width * height * 4) {
    throw new RangeError(`preprocessDigit: ${width}x${height} RGBA needs ${width * height * 4} bytes, got ${data.length}`);
  }
}

/** The 28x28 input as text, two characters per pixel so it looks square, darkest to brightest. */
export function renderDigit(pixels: Float32Array): string {
  if (pixels.length !== SIDE * SIDE) throw new RangeError(`renderDigit: expected ${SIDE * SIDE} pixels, got ${pixels.length}`);
  const lines: string[] = [];
  for (let y = 0; y < SIDE; y++) {
    let line = '';
    for (let x = 0; x < SIDE; x++) {
      const level = Math.min(1, Math.max(0, pixels[y * SIDE + x]));
      line += RAMP[Math.min(RAMP.length - 1, Math.floor(level * RAMP.length))].repeat(2);
    }
    lines.push(line);
  }
  return lines.join('\n');
}

// Stroke width ~ 2 x area / perimeter (a long stroke's perimeter is twice its length); soft edges
// count by their step so anti-aliasing does not skew it. Thin strokes grow by a max filter.
function thickenThinStrokes(ink: Raster): Raster {
  const { width, height, values } = ink;
  let area = 0;
  let perimeter = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const level = values[y * width + x];
      area += level;
      perimeter += Math.abs(level - (x + 1 < width ? values[y * width + x + 1] : 0));
      perimeter += Math.abs(level - (y + 1 < height ? values[(y + 1) * width + x] : 0));
      perimeter += (x === 0 ? level : 0) + (y === 0 ? level : 0);
    }
  }
  const strokeWidth = (2 * area) / perimeter;
  const longerSide = Math.max(width, height);
  const radius = Math.round((TYPICAL_STROKE * longerSide - strokeWidth) / 2);
  if (strokeWidth >= THIN_STROKE * longerSide || radius < 1) return ink;
  return dilate(ink, radius);
}

// Area averaging gave MNIST its grey, anti-aliased edges. The brightest pixel becomes 1, as in
// MNIST, which also restores full contrast to a faint or thickened hairline.
function fitInBox(digit: Raster): Raster {
  const scaled = scaleToLongerSide(digit, BOX);
  const brightest = scaled.values.reduce((highest, level) => Math.max(highest, level));
  return { ...scaled, values: scaled.values.map((level) => level / brightest) };
}

// LeCun: "centered in a 28x28 image by computing the center of mass of the pixels, and translating
// the image so as to position this point at the center of the 28x28 field".
function centreByMass({ width, height, values }: Raster): Float32Array {
  let mass = 0;
  let massX = 0;
  let massY = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      mass += values[y * width + x];
      massX += x * values[y * width + x];
      massY += y * values[y * width + x];
    }
  }
  const left = Math.round(SIDE / 2 - massX / mass);
  const top = Math.round(SIDE / 2 - massY / mass);
  const pixels = new Float32Array(SIDE * SIDE);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [column, row] = [x + left, y + top];
      if (column >= 0 && column < SIDE && row >= 0 && row < SIDE) pixels[row * SIDE + column] = values[y * width + x];
    }
  }
  return pixels;
}
