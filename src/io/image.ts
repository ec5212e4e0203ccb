// Reads a picture of one digit from disk for `cnn predict`: sharp decodes anything libvips reads
// (PNG, JPEG, WebP, GIF, TIFF, ...) into 8-bit RGBA, then preprocess.ts makes it MNIST-like. Every
// failure a user can cause becomes a one-line CnnError that starts with the path.

import { readFile, stat } from 'node:fs/promises';
import { CnnError } from '../errors.js';
import { preprocessDigit } from './preprocess.js';

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
// Preprocessing a digit needs far less than this; sharp's shrink is fast and anti-aliased.
const MAX_WORKING_SIDE = 1000;

export async function loadDigitImage(path: string): Promise<LoadedDigit> {
  const bytes = await readImageFile(path);
  // Imported here so that commands which never read an image do not pay for loading libvips.
  const { default: sharp } = await import('sharp');
  let metadata;
  try {
    // Only the header is read here, so no limit yet: we want the size itself, to report it.
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new CnnError(`${path}: not an image (${firstLine(error)})`);
  }
  const { width, height } = metadata.autoOrient;
  if (!width || !height) throw new CnnError(`${path}: the image does not say how large it is`);
  if (width * height > MAX_PIXELS) {
    throw new CnnError(`${path}: ${width}x${height} pixels is too large (the limit is ${MAX_PIXELS / 1e6} megapixels)`);
  }
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
  const digit = preprocessDigit({ width: info.width, height: info.height, data });
  if (digit.empty) throw new CnnError(`${path}: no digit found (nothing stands out from the background)`);
  return { pixels: digit.pixels, inverted: digit.inverted, width, height };
}

async function readImageFile(path: string): Promise<Buffer> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new CnnError(`${path}: is a directory, not an image file`);
    if (!info.isFile()) throw new CnnError(`${path}: not a regular file`);
    if (info.size === 0) throw new CnnError(`${path}: the file is empty`);
    if (info.size > MAX_FILE_BYTES) throw new CnnError(`${path}: the file is too large (${Math.round(info.size / 2 ** 20)} MB)`);
    return await readFile(path);
  } catch (error) {
    if (error instanceof CnnError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CnnError(`${path}: no such file`);
    if (code === 'EACCES') throw new CnnError(`${path}: permission denied`);
    throw new CnnError(`${path}: cannot read the file (${firstLine(error)})`);
  }
}

// libvips messages run over several lines, naming internal loaders; the first says what happened.
function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].trim().replace(/\.$/, '');
}
