// Reads a picture of one digit from disk for `cnn predict`: sharp decodes anything libvips reads
// (PNG, JPEG, WebP, GIF, TIFF, ...) into 8-bit RGBA, then preprocess.ts makes it MNIST-like, run
// as its WebAssembly twin (wasm/preprocess-wasm.ts), which is fast from the first call. Every
// failure a user can cause becomes a one-line CnnError that starts with the path.

import { CnnError } from '../errors.js';
import { readUserFile } from './files.js';
import { decodeSimplePng } from './png.js';
import { loadSharp } from './sharp.js';
import { preprocessDigitWasm } from './wasm/preprocess-wasm.js';

export interface LoadedDigit {
  pixels: Float32Array; // 28x28 row-major in [0,1], light ink on black, ready for the network
  inverted: boolean; // the picture had dark ink on a light background
  width: number; // of the picture as shown, after EXIF orientation
  height: number;
}

// A decompression bomb declares a huge size in a few bytes; refusing by the header's numbers
// keeps it from costing more than a glance. Fifty megapixels is beyond any phone camera.
const MAX_PIXELS = 50_000_000;
const MAX_FILE_BYTES = 100 * 1024 * 1024;
const MAX_ASPECT = 100;
// The digit ends up 20 pixels wide: even one that fills a tenth of a photo spans 64 pixels at this
// size. Sharp's shrink is fast and anti-aliased (and lets libjpeg decode at a fraction of the
// size), while every pixel left costs preprocessing time.
const MAX_WORKING_SIDE = 640;

export async function loadDigitImage(path: string): Promise<LoadedDigit> {
  return decodeDigitImage(await readUserFile(path, { kind: 'an image file', maxBytes: MAX_FILE_BYTES }), path);
}

/** The bytes of an image file to a digit; `path` only names the file in errors. */
export async function decodeDigitImage(bytes: Buffer, path: string): Promise<LoadedDigit> {
  // A plain PNG that needs no shrinking is decoded without loading libvips, which alone takes about
  // as long as the rest of `cnn predict` (png.ts); for those files its pixels are exactly sharp's.
  const simple = decodeSimplePng(bytes, MAX_WORKING_SIDE);
  if (simple !== null) {
    checkSize(simple.width, simple.height, path);
    return digitFrom(simple.width, simple.height, simple.data, path);
  }
  const sharp = loadSharp();
  let metadata;
  try {
    // Only the header is read here, so no limit yet: we want the size itself, to report it.
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new CnnError(`${path}: not an image (${firstLine(error)})`);
  }
  const { width, height } = metadata.autoOrient;
  if (!width || !height) throw new CnnError(`${path}: the image does not say how large it is`);
  checkSize(width, height, path);
  let decoded;
  try {
    decoded = await sharp(bytes, { limitInputPixels: MAX_PIXELS, failOn: 'error' })
      .rotate()
      .resize({ width: MAX_WORKING_SIDE, height: MAX_WORKING_SIDE, fit: 'inside', withoutEnlargement: true })
      .ensureAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new CnnError(`${path}: the image is corrupt or truncated (${firstLine(error)})`);
  }
  const { info, data } = decoded;
  if (info.channels !== 4) throw new CnnError(`${path}: decoded to ${info.channels} channels, expected RGBA`);
  const digit = digitFrom(info.width, info.height, data, path);
  // The size as shown, before the working copy was shrunk.
  return { ...digit, width, height };
}

function checkSize(width: number, height: number, path: string): void {
  if (width * height > MAX_PIXELS) {
    throw new CnnError(`${path}: ${width}x${height} pixels is too large (the limit is ${MAX_PIXELS / 1e6} megapixels)`);
  }
  // Even a tightly cropped 1 is about 1:5; a sliver cannot hold a digit, and shrinking it would
  // squash the short side below one pixel.
  if (Math.max(width, height) > MAX_ASPECT * Math.min(width, height)) {
    throw new CnnError(`${path}: ${width}x${height} pixels is too narrow to hold a digit (more than ${MAX_ASPECT}:1)`);
  }
}

function digitFrom(width: number, height: number, data: Uint8Array, path: string): LoadedDigit {
  const digit = preprocessDigitWasm({ width, height, data });
  if (digit.empty) throw new CnnError(`${path}: no digit found (nothing stands out from the background)`);
  return { pixels: digit.pixels, inverted: digit.inverted, width, height };
}

// libvips messages run over several lines, naming internal loaders; the first says what happened.
function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].trim().replace(/\.$/, '');
}
