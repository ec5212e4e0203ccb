// A fast path for the commonest picture `cnn predict` gets: a plain 8-bit PNG no larger than the
// working size. Loading sharp (libvips) costs more than everything else predict does together, about
// 90 ms of a 200 ms budget, so such files are decoded here with node's own zlib. Anything else (16 or
// fewer than 8 bits, interlacing, a colour profile, EXIF orientation, a transparent colour key, a
// picture that needs shrinking) and anything malformed returns null, and sharp takes over with its
// own checks and messages. For every file this accepts, the result equals sharp's
// `.rotate().ensureAlpha().raw()` byte for byte (tested against sharp on many encodings).

import { inflateSync } from 'node:zlib';

export interface DecodedRgba {
  width: number;
  height: number;
  /** width*height*4 bytes, RGBA, row-major. */
  data: Uint8Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
// Colour types: channels per pixel for 0 grey, 2 RGB, 3 palette index, 4 grey+alpha, 6 RGBA.
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
// Chunks that change what the pixels mean in a way this decoder does not follow.
const DECLINED = new Set(['iCCP', 'eXIf', 'sBIT', 'cICP']);

/** The pixels of a plain 8-bit PNG of at most `maxSide` pixels a side, or null to leave it to sharp. */
export function decodeSimplePng(bytes: Uint8Array, maxSide: number): DecodedRgba | null {
  if (bytes.length < 8 || SIGNATURE.some((byte, i) => bytes[i] !== byte)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let width = 0;
  let height = 0;
  let colourType = -1;
  let palette: Uint8Array | null = null;
  let transparency: Uint8Array | null = null;
  const compressed: Uint8Array[] = [];
  let ended = false;
  // libpng ignores or refuses chunks out of their order (a tRNS after the image data, a second
  // palette, image data split by another chunk); rather than copy its choices, such files go to sharp.
  let previous = '';
  for (let offset = 8; offset + 12 <= bytes.length && !ended; ) {
    const length = view.getUint32(offset);
    const end = offset + 12 + length;
    if (length > 0x7fffffff || end > bytes.length) return null;
    const type = String.fromCharCode(bytes[offset + 4], bytes[offset + 5], bytes[offset + 6], bytes[offset + 7]);
    const body = bytes.subarray(offset + 8, offset + 8 + length);
    if (crc32(bytes.subarray(offset + 4, offset + 8 + length)) !== view.getUint32(offset + 8 + length)) return null;
    if ((offset === 8) !== (type === 'IHDR')) return null;
    const dataStarted = compressed.length > 0;
    if (type === 'IHDR') {
      if (length !== 13) return null;
      width = view.getUint32(offset + 8);
      height = view.getUint32(offset + 12);
      const [depth, colour, compression, filter, interlace] = body.subarray(8, 13);
      if (depth !== 8 || !(colour in CHANNELS) || compression !== 0 || filter !== 0 || interlace !== 0) return null;
      if (width < 1 || height < 1 || width > maxSide || height > maxSide) return null;
      colourType = colour;
    } else if (type === 'PLTE') {
      if (colourType !== 3 || palette !== null || dataStarted || length === 0 || length % 3 !== 0 || length > 768) return null;
      palette = body;
    } else if (type === 'tRNS') {
      // Only a palette's alpha table, once, between the palette and the data, no longer than the
      // palette; a grey or RGB colour key is left to sharp too.
      if (palette === null || transparency !== null || dataStarted || length > palette.length / 3) return null;
      transparency = body;
    } else if (type === 'IDAT') {
      if (dataStarted && previous !== 'IDAT') return null;
      compressed.push(body);
    } else if (type === 'IEND') {
      ended = true;
    } else if (DECLINED.has(type) || (bytes[offset + 4] & 0x20) === 0) {
      // An unknown chunk with an upper-case first letter is critical: the decoder must understand it.
      return null;
    }
    previous = type;
    offset = end;
  }
  if (!ended || colourType < 0 || compressed.length === 0) return null;
  if (colourType === 3 && palette === null) return null;
  const channels = CHANNELS[colourType];
  const stride = width * channels;
  const expected = (stride + 1) * height;
  let raw: Buffer;
  try {
    // The limit makes a stream that inflates past the declared size fail instead of filling memory.
    raw = inflateSync(Buffer.concat(compressed), { maxOutputLength: expected + 1 });
  } catch {
    return null;
  }
  if (raw.length !== expected) return null;
  const pixels = unfilter(raw, stride, height, channels);
  if (pixels === null) return null;
  const data = toRgba(pixels, width * height, colourType, palette, transparency);
  return data === null ? null : { width, height, data };
}

// Undoes the per-row filters (none, sub, up, average, Paeth); `bpp` is bytes per pixel. One loop per
// filter rather than a switch per byte: `cnn predict` runs this once, in V8's interpreter, where
// every branch in the inner loop costs (a 160x160 RGBA picture took 5 ms the other way). Storing
// into a Uint8Array keeps the low 8 bits: the sum modulo 256 that PNG specifies.
function unfilter(raw: Buffer, stride: number, height: number, bpp: number): Uint8Array | null {
  const out = new Uint8Array(stride * height);
  // Row -1 is all zeros, so the first row needs no special case.
  const zeros = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const source = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = out.subarray(y * stride, (y + 1) * stride);
    const up = y > 0 ? out.subarray((y - 1) * stride, y * stride) : zeros;
    if (filter === 0) {
      row.set(source);
    } else if (filter === 1) {
      for (let x = 0; x < bpp; x++) row[x] = source[x];
      for (let x = bpp; x < stride; x++) row[x] = source[x] + row[x - bpp];
    } else if (filter === 2) {
      for (let x = 0; x < stride; x++) row[x] = source[x] + up[x];
    } else if (filter === 3) {
      for (let x = 0; x < bpp; x++) row[x] = source[x] + (up[x] >> 1);
      for (let x = bpp; x < stride; x++) row[x] = source[x] + ((row[x - bpp] + up[x]) >> 1);
    } else if (filter === 4) {
      for (let x = 0; x < bpp; x++) row[x] = source[x] + up[x];
      for (let x = bpp; x < stride; x++) row[x] = source[x] + paeth(row[x - bpp], up[x], up[x - bpp]);
    } else {
      return null;
    }
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

// One loop per colour type, for the same reason as unfilter; RGBA is the pixels as they are.
function toRgba(pixels: Uint8Array, count: number, colourType: number, palette: Uint8Array | null, alpha: Uint8Array | null): Uint8Array | null {
  if (colourType === 6) return pixels;
  const rgba = new Uint8Array(count * 4).fill(255);
  if (colourType === 0) {
    for (let i = 0, o = 0; i < count; i++, o += 4) rgba[o] = rgba[o + 1] = rgba[o + 2] = pixels[i];
  } else if (colourType === 2) {
    for (let i = 0, o = 0; i < count * 3; i += 3, o += 4) {
      rgba[o] = pixels[i];
      rgba[o + 1] = pixels[i + 1];
      rgba[o + 2] = pixels[i + 2];
    }
  } else if (colourType === 4) {
    for (let i = 0, o = 0; i < count * 2; i += 2, o += 4) {
      rgba[o] = rgba[o + 1] = rgba[o + 2] = pixels[i];
      rgba[o + 3] = pixels[i + 1];
    }
  } else {
    // Palette indices. One past the palette is malformed; libpng's handling of it is its own business.
    const colours = (palette as Uint8Array).length / 3;
    const opacities = alpha ?? new Uint8Array(0);
    for (let i = 0, o = 0; i < count; i++, o += 4) {
      const index = pixels[i];
      if (index >= colours) return null;
      rgba[o] = (palette as Uint8Array)[index * 3];
      rgba[o + 1] = (palette as Uint8Array)[index * 3 + 1];
      rgba[o + 2] = (palette as Uint8Array)[index * 3 + 2];
      if (index < opacities.length) rgba[o + 3] = opacities[index];
    }
  }
  return rgba;
}

let crcTable: Uint32Array | undefined;

/** CRC-32 as PNG defines it (ISO 3309); node 20's zlib does not export one. */
export function crc32(bytes: Uint8Array): number {
  if (crcTable === undefined) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
