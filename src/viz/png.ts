// PNG encoding of our canvases through sharp (libvips), loaded only when a picture is asked for, so
// the commands that never draw do not pay for the native library.

import { loadSharp } from '../io/sharp.js';

/** Encodes an RGB canvas (channels 3) or a grey picture (channels 1) as PNG bytes. */
export async function encodePng(image: { width: number; height: number; data: Uint8Array }, channels: 1 | 3 = 3): Promise<Buffer> {
  const { width, height, data } = image;
  if (data.length !== width * height * channels) {
    throw new RangeError(`encodePng: ${width}x${height}x${channels} needs ${width * height * channels} bytes, got ${data.length}`);
  }
  const pipeline = loadSharp()(data, { raw: { width, height, channels } });
  // Without this sharp widens one channel to sRGB: a grey PNG three times the size it needs to be.
  return (channels === 1 ? pipeline.toColourspace('b-w') : pipeline).png({ compressionLevel: 9 }).toBuffer();
}

/** A PNG as a data: URL, for images inlined in the HTML report. */
export function pngDataUrl(png: Buffer): string {
  return `data:image/png;base64,${png.toString('base64')}`;
}
