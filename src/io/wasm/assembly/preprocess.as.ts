// preprocessDigit of ../../preprocess.ts, ported: the ink found, shrunk to a working size, thin
// strokes thickened, fitted in the 20x20 box and centred by mass in 28x28. Validation of the size
// stays on the JavaScript side (../preprocess-wasm.ts).

import { findInk } from './ink.as';
import { Raster, RgbaImage, dilate } from './raster.as';
import { scaleToLongerSide } from './resample.as';

export class PreparedDigit {
  constructor(
    public pixels: Float32Array, // 28x28 row-major in [0,1], light ink on black
    public inverted: bool, // the source had dark ink on a light background
    public empty: bool, // no ink stands out from the background
  ) {}
}

const SIDE = 28;
const BOX = 20;
const THIN_STROKE = 0.06;
const TYPICAL_STROKE = 0.09;
const WORKING_SIDE = 100;

export function preprocessDigit(image: RgbaImage): PreparedDigit {
  const found = findInk(image);
  const digit = found.ink;
  if (!digit) return new PreparedDigit(new Float32Array(SIDE * SIDE), found.inverted, true);
  const working = max(digit.width, digit.height) > WORKING_SIDE ? scaleToLongerSide(digit, WORKING_SIDE) : digit;
  return new PreparedDigit(centreByMass(fitInBox(thickenThinStrokes(working))), found.inverted, false);
}

// Stroke width ~ 2 x area / perimeter; see thickenThinStrokes in preprocess.ts.
function thickenThinStrokes(ink: Raster): Raster {
  const width = ink.width;
  const height = ink.height;
  const values = ink.values;
  let area: f64 = 0;
  let perimeter: f64 = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const level = <f64>values[y * width + x];
      area += level;
      perimeter += Math.abs(level - (x + 1 < width ? <f64>values[y * width + x + 1] : 0));
      perimeter += Math.abs(level - (y + 1 < height ? <f64>values[(y + 1) * width + x] : 0));
      perimeter += (x == 0 ? level : 0) + (y == 0 ? level : 0);
    }
  }
  const strokeWidth = (2 * area) / perimeter;
  const longerSide = <f64>max(width, height);
  const radius = Math.round((TYPICAL_STROKE * longerSide - strokeWidth) / 2);
  if (strokeWidth >= THIN_STROKE * longerSide || radius < 1) return ink;
  return dilate(ink, <i32>radius);
}

// Area averaging into the box; the brightest pixel becomes 1, as in MNIST.
function fitInBox(digit: Raster): Raster {
  const scaled = scaleToLongerSide(digit, BOX);
  let brightest = <f64>scaled.values[0];
  for (let i = 1; i < scaled.values.length; i++) brightest = Math.max(brightest, <f64>scaled.values[i]);
  const values = new Float32Array(scaled.values.length);
  for (let i = 0; i < values.length; i++) values[i] = <f32>(<f64>scaled.values[i] / brightest);
  return new Raster(scaled.width, scaled.height, values);
}

// Translates the centre of mass to the middle of 28x28, as LeCun describes.
function centreByMass(digit: Raster): Float32Array {
  const width = digit.width;
  const height = digit.height;
  const values = digit.values;
  let mass: f64 = 0;
  let massX: f64 = 0;
  let massY: f64 = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      mass += <f64>values[y * width + x];
      massX += <f64>x * <f64>values[y * width + x];
      massY += <f64>y * <f64>values[y * width + x];
    }
  }
  const left = Math.round(<f64>SIDE / 2 - massX / mass);
  const top = Math.round(<f64>SIDE / 2 - massY / mass);
  const pixels = new Float32Array(SIDE * SIDE);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const column = <f64>x + left;
      const row = <f64>y + top;
      if (column >= 0 && column < SIDE && row >= 0 && row < SIDE) pixels[<i32>row * SIDE + <i32>column] = values[y * width + x];
    }
  }
  return pixels;
}
