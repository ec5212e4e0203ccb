// A dropped or chosen picture to RGBA bytes, decoded by the browser. Colours are taken as stored (no
// colour-space conversion, alpha not premultiplied) so a PNG gives the bytes `cnn predict` decodes;
// a picture larger than 640 pixels a side is shrunk to it first, as the CLI does with sharp (not to
// the same bytes: its resampler differs, so there the answer, not every pixel, is what is shared).

import type { RgbaImage } from '../../io/raster.js';

const maximumWorkingSide = 640;
const maximumFileBytes = 100 * 1024 * 1024;

export async function decodePicture(file: Blob, name: string): Promise<{ image: RgbaImage; picture: ImageBitmap }> {
  if (file.size > maximumFileBytes) throw new Error(`${name}: ${Math.round(file.size / 2 ** 20)} MB is too large for a picture of one digit`);
  let picture: ImageBitmap;
  try {
    picture = await createImageBitmap(file, { premultiplyAlpha: 'none', colorSpaceConversion: 'none', imageOrientation: 'from-image' });
  } catch {
    throw new Error(`${name}: not an image this browser can decode (PNG or JPEG)`);
  }
  const scale = Math.min(1, maximumWorkingSide / Math.max(picture.width, picture.height));
  const width = Math.max(1, Math.round(picture.width * scale));
  const height = Math.max(1, Math.round(picture.height * scale));
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true }) as OffscreenCanvasRenderingContext2D;
  context.imageSmoothingQuality = 'high';
  context.drawImage(picture, 0, 0, width, height);
  const { data } = context.getImageData(0, 0, width, height);
  return { image: { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) }, picture };
}
