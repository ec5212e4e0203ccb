import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { Random } from '../tensor/random.js';
import { crc32, decodeSimplePng } from './png.js';

/** What image.ts gets from sharp for a picture that needs no shrinking. */
async function viaSharp(bytes: Uint8Array): Promise<{ width: number; height: number; data: Uint8Array }> {
  const { data, info } = await sharp(bytes)
    .rotate()
    .resize({ width: 640, height: 640, fit: 'inside', withoutEnlargement: true })
    .ensureAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(4);
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

function noise(length: number, seed: number, levels = 256): Buffer {
  const random = new Random(seed);
  return Buffer.from(Array.from({ length }, () => Math.floor((random.integer(levels) * 255) / (levels - 1))));
}

function chunk(type: string, body: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])));
  return Buffer.concat([head, body, crc]);
}

/** A PNG written by hand, so that every row filter and chunk kind can be chosen. */
function handPng(width: number, height: number, colour: number, pixels: Buffer, filters: number[], extra: Buffer[] = [], depth = 8): Buffer {
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colour]!;
  const stride = width * channels;
  const rows: number[] = [];
  for (let y = 0; y < height; y++) {
    const filter = filters[y % filters.length];
    rows.push(filter);
    for (let x = 0; x < stride; x++) {
      const at = (yy: number, xx: number) => (yy < 0 || xx < 0 ? 0 : pixels[yy * stride + xx]);
      const left = at(y, x - channels);
      const up = at(y - 1, x);
      const upLeft = at(y - 1, x - channels);
      const p = left + up - upLeft;
      const paeth = Math.abs(p - left) <= Math.abs(p - up) && Math.abs(p - left) <= Math.abs(p - upLeft) ? left : Math.abs(p - up) <= Math.abs(p - upLeft) ? up : upLeft;
      // A filter number past 4 is written as is, to make a malformed file.
      const predictor = [0, left, up, (left + up) >> 1, paeth][filter] ?? 0;
      rows.push((pixels[y * stride + x] - predictor) & 0xff);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([depth, colour, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    ...extra,
    chunk('IDAT', deflateSync(Buffer.from(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function expectSameAsSharp(bytes: Uint8Array): Promise<void> {
  const ours = decodeSimplePng(bytes, 640);
  expect(ours, 'decoded by the fast path').not.toBeNull();
  const theirs = await viaSharp(bytes);
  expect([ours!.width, ours!.height]).toEqual([theirs.width, theirs.height]);
  expect(Buffer.from(ours!.data).equals(Buffer.from(theirs.data))).toBe(true);
}

describe('decodeSimplePng gives sharp\'s pixels exactly', () => {
  it.each([1, 2, 3, 4])('sharp-encoded %i-channel PNGs, with and without adaptive filtering', async (channels) => {
    for (const adaptiveFiltering of [false, true]) {
      const [width, height] = [37, 23];
      const bytes = await sharp(noise(width * height * channels, channels), { raw: { width, height, channels: channels as 1 | 2 | 3 | 4 } })
        .png({ adaptiveFiltering, compressionLevel: 9 })
        .toBuffer();
      await expectSameAsSharp(bytes);
    }
  });

  it('sharp-encoded palette PNGs, opaque and with transparency', async () => {
    for (const channels of [3, 4] as const) {
      const bytes = await sharp(noise(30 * 20 * channels, 9, 4), { raw: { width: 30, height: 20, channels } }).png({ palette: true, colours: 200 }).toBuffer();
      const ours = decodeSimplePng(bytes, 640);
      // libvips picks the bit depth from the colours used; only 8-bit palettes are taken here.
      if (bytes[24] === 8) await expectSameAsSharp(bytes);
      else expect(ours).toBeNull();
    }
  });

  it.each([
    ['grey', 0, 1],
    ['RGB', 2, 3],
    ['grey and alpha', 4, 2],
    ['RGBA', 6, 4],
  ])('every row filter, by hand: %s', async (_name, colour, channels) => {
    const [width, height] = [11, 10];
    await expectSameAsSharp(handPng(width, height, colour, noise(width * height * channels, colour + 3), [0, 1, 2, 3, 4]));
    // Each filter on the first row too (where the row above counts as zeros), and on pictures one
    // pixel wide, where a row is a single pixel's bytes.
    for (const first of [1, 2, 3, 4]) {
      await expectSameAsSharp(handPng(width, 3, colour, noise(width * 3 * channels, colour + first), [first, 4, 3]));
      await expectSameAsSharp(handPng(1, 5, colour, noise(5 * channels, colour + 10 * first), [first]));
    }
  });

  it('a hand-made palette with a short alpha table, and ancillary chunks that change nothing', async () => {
    const palette = Buffer.from([0, 0, 0, 255, 255, 255, 200, 10, 30, 40, 90, 250]);
    const pixels = noise(13 * 9, 4, 4).map((value) => Math.round((value * 3) / 255));
    const extra = [chunk('PLTE', palette), chunk('tRNS', Buffer.from([0, 128])), chunk('tEXt', Buffer.from('Comment\0hello')), chunk('gAMA', Buffer.from([0, 0, 0xb1, 0x8f]))];
    await expectSameAsSharp(handPng(13, 9, 3, Buffer.from(pixels), [4, 1], extra));
  });
});

/** A PNG's chunks, each whole (length, type, body, CRC), to reorder or repeat. */
function chunksOf(png: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  for (let offset = 8; offset < png.length; offset += 12 + png.readUInt32BE(offset)) chunks.push(png.subarray(offset, offset + 12 + png.readUInt32BE(offset)));
  return chunks;
}

function fromChunks(chunks: Buffer[]): Buffer {
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ...chunks]);
}

describe('decodeSimplePng leaves the rest to sharp', () => {
  const plain = () => handPng(8, 8, 0, noise(64, 1), [0]);
  // A palette image whose chunks the cases below rearrange: IHDR, PLTE, tRNS, IDAT, IDAT, IEND.
  const palette = chunk('PLTE', Buffer.from([0, 0, 0, 255, 255, 255, 200, 10, 30]));
  const alpha = chunk('tRNS', Buffer.from([0, 128]));
  const paletted = (): Buffer[] => {
    const [header, , , data, end] = chunksOf(handPng(4, 4, 3, Buffer.from(noise(16, 2, 3).map((v) => Math.round((v * 2) / 255))), [0], [palette, alpha]));
    const body = data.subarray(8, data.length - 4);
    return [header, palette, alpha, chunk('IDAT', body.subarray(0, 5)), chunk('IDAT', body.subarray(5)), end];
  };

  it('accepts the palette case the reordered ones start from, split image data and all', async () => {
    await expectSameAsSharp(fromChunks(paletted()));
  });

  it.each([
    ['tRNS after the image data', ([h, p, t, d1, d2, e]: Buffer[]) => [h, p, d1, d2, t, e]],
    ['tRNS before the palette', ([h, p, t, d1, d2, e]: Buffer[]) => [h, t, p, d1, d2, e]],
    ['two tRNS chunks', ([h, p, t, d1, d2, e]: Buffer[]) => [h, p, t, t, d1, d2, e]],
    ['a tRNS longer than the palette', ([h, p, , d1, d2, e]: Buffer[]) => [h, p, chunk('tRNS', Buffer.from([1, 2, 3, 4])), d1, d2, e]],
    ['two palettes', ([h, p, t, d1, d2, e]: Buffer[]) => [h, p, p, t, d1, d2, e]],
    ['a palette after the image data', ([h, , t, d1, d2, e]: Buffer[]) => [h, t, d1, d2, palette, e]],
    ['image data split by another chunk', ([h, p, t, d1, d2, e]: Buffer[]) => [h, p, t, d1, chunk('tEXt', Buffer.from('a\0b')), d2, e]],
    ['two headers', ([h, p, t, d1, d2, e]: Buffer[]) => [h, h, p, t, d1, d2, e]],
  ])('%s', (_name, reorder) => expect(decodeSimplePng(fromChunks(reorder(paletted())), 640)).toBeNull());

  it('accepts the plain case these build on', () => expect(decodeSimplePng(plain(), 640)).not.toBeNull());

  it.each([
    ['larger than the working size', () => handPng(20, 8, 0, noise(160, 1), [0]), 16],
    ['16-bit', () => handPng(4, 4, 0, noise(32, 1), [0], [], 16), 640],
    ['a colour profile', () => handPng(8, 8, 0, noise(64, 1), [0], [chunk('iCCP', Buffer.from('icc\0\0x'))]), 640],
    ['EXIF orientation', () => handPng(8, 8, 0, noise(64, 1), [0], [chunk('eXIf', Buffer.from('MM\0*'))]), 640],
    ['a colour key on grey', () => handPng(8, 8, 0, noise(64, 1), [0], [chunk('tRNS', Buffer.from([0, 7]))]), 640],
    ['an unknown critical chunk', () => handPng(8, 8, 0, noise(64, 1), [0], [chunk('ZZZZ', Buffer.from([1]))]), 640],
    ['a bad CRC', () => {
      const bytes = plain();
      bytes[bytes.length - 20] ^= 1;
      return bytes;
    }, 640],
    ['a missing IEND', () => plain().subarray(0, plain().length - 12), 640],
    ['truncated', () => plain().subarray(0, 40), 640],
    ['not a PNG', () => Buffer.from('GIF89a and so on'), 640],
    ['a palette index past the palette', () => handPng(4, 4, 3, Buffer.alloc(16, 5), [0], [chunk('PLTE', Buffer.from([1, 2, 3]))]), 640],
    ['an unknown row filter', () => handPng(4, 4, 0, noise(16, 1), [0, 5]), 640],
  ])('%s', (_name, make, maxSide) => expect(decodeSimplePng(make(), maxSide)).toBeNull());

  it('image data that inflates to more than the header says', () => {
    const header = Buffer.alloc(13);
    header.writeUInt32BE(4, 0);
    header.writeUInt32BE(4, 4);
    header.set([8, 0, 0, 0, 0], 8);
    const bomb = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(Buffer.alloc(1_000_000))),
      chunk('IEND', Buffer.alloc(0)),
    ]);
    expect(decodeSimplePng(bomb, 640)).toBeNull();
  });

  it('crc32 of the standard check string', () => expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926));
});
