// Fuzzing the image loader: mutated PNG, JPEG and GIF bytes, and PNGs whose chunks are mutated and
// then given correct CRCs again, so that the edits reach the header sizes and the pixel data rather
// than stopping at the checksum. Each case gives a digit or a one-line CnnError, never anything else.

import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyEdits, edits, Outcomes } from '../../test/helpers/mutate.js';
import { decodeDigitImage } from './image.js';

let seeds: Uint8Array[];

beforeAll(async () => {
  const samples = ['digit-7-canvas.png', 'digit-2-dark.png', 'digit-3-paper.jpg'].map((name) =>
    readFileSync(new URL(`../../data/${name}`, import.meta.url)),
  );
  const ring = Buffer.from('<svg width="32" height="40"><rect width="32" height="40" fill="white"/><circle cx="16" cy="20" r="9" stroke="black" stroke-width="4" fill="none"/></svg>');
  const small = sharp(ring).greyscale();
  seeds = [
    ...samples,
    await small.clone().png().toBuffer(),
    await small.clone().png({ progressive: true }).toBuffer(),
    await small.clone().png({ palette: true }).toBuffer(),
    await small.clone().jpeg({ quality: 80 }).toBuffer(),
    await small.clone().gif().toBuffer(),
  ];
});

/** Recomputes every PNG chunk's CRC, as far as the chunk lengths still make sense. */
function fixPngChecksums(bytes: Uint8Array): Uint8Array {
  const fixed = Buffer.from(bytes);
  for (let offset = 8; offset + 12 <= fixed.length; ) {
    const length = fixed.readUInt32BE(offset);
    const end = offset + 8 + length;
    if (end + 4 > fixed.length) break;
    fixed.writeUInt32BE(crc32(fixed.subarray(offset + 4, end)), end);
    offset = end + 4;
  }
  return fixed;
}

const isPng = (bytes: Uint8Array) => bytes[0] === 0x89 && bytes[1] === 0x50;

async function decodeCase(bytes: Uint8Array, outcomes: Outcomes): Promise<void> {
  const digit = await outcomes.runAsync(() => decodeDigitImage(Buffer.from(bytes), 'fuzz.png'));
  if (digit === undefined) return;
  expect(digit.pixels).toHaveLength(784);
  // Grey levels in [0,1], give or take float rounding in the resampling (it leaves -1e-9 here and there).
  expect(digit.pixels.every((level) => level >= -1e-6 && level <= 1 + 1e-6)).toBe(true);
}

describe('decodeDigitImage under fuzzing', () => {
  it('mutated image bytes give a digit or a CnnError', async () => {
    const outcomes = new Outcomes();
    await fc.assert(
      fc.asyncProperty(fc.nat(), edits, async (seed, list) => decodeCase(applyEdits(seeds[seed % seeds.length], list), outcomes)),
      { numRuns: 1000, seed: 21, timeout: 5000 },
    );
    expect(outcomes.total).toBe(1000);
    expect(outcomes.loaded).toBeGreaterThan(20);
    expect(outcomes.rejected).toBeGreaterThan(400);
  });

  it('mutated PNGs with correct checksums give a digit or a CnnError', async () => {
    const outcomes = new Outcomes();
    const pngs = () => seeds.filter(isPng);
    await fc.assert(
      fc.asyncProperty(fc.nat(), edits, async (seed, list) => {
        const chosen = pngs()[seed % pngs().length];
        await decodeCase(fixPngChecksums(applyEdits(chosen, list)), outcomes);
      }),
      { numRuns: 1000, seed: 22, timeout: 5000 },
    );
    expect(outcomes.total).toBe(1000);
    expect(outcomes.loaded).toBeGreaterThan(10);
    expect(outcomes.rejected).toBeGreaterThan(400);
    // Past the checksums, the edits reach the size and shape checks, not only the decoder's errors.
    expect(outcomes.messages.size).toBeGreaterThan(4);
    expect([...outcomes.messages].some((text) => /too large|too narrow/.test(text))).toBe(true);
  });
});
