// Fuzzing the IDX parser: thousands of mutated image and label files, plain and gzipped, and
// random bytes. Each either parses into data consistent with its header or throws a CnnError.

import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { applyEdits, edits, Outcomes } from '../../test/helpers/mutate.js';
import { parseIdx, parseImages, parseLabels } from './idx.js';

function idxFile(dims: number[]): Uint8Array {
  const size = dims.reduce((product, dimension) => product * dimension, 1);
  const bytes = new Uint8Array(4 + 4 * dims.length + size);
  const view = new DataView(bytes.buffer);
  bytes[2] = 0x08;
  bytes[3] = dims.length;
  dims.forEach((dimension, axis) => view.setUint32(4 + 4 * axis, dimension, false));
  for (let i = 0; i < size; i++) bytes[4 + 4 * dims.length + i] = (i * 37) & 0xff;
  return bytes;
}

const images = idxFile([3, 5, 4]);
const labels = idxFile([6]);
const seeds = [images, labels, gzipSync(images), gzipSync(labels)];

/** Parses bytes all three ways; whatever loads must agree with its own header. */
function parseAll(bytes: Uint8Array, outcomes: Outcomes): void {
  const idx = outcomes.run(() => parseIdx(bytes, 'fuzz.idx'));
  if (idx !== undefined) {
    expect(idx.data.length).toBe(idx.dims.reduce((product, dimension) => product * dimension, 1));
  }
  const parsed = outcomes.run(() => parseImages(bytes, 'fuzz.idx'));
  if (parsed !== undefined) expect(parsed.pixels.length).toBe(parsed.count * parsed.rows * parsed.columns);
  outcomes.run(() => parseLabels(bytes, 'fuzz.idx'));
}

describe('parseIdx, parseImages, parseLabels under fuzzing', () => {
  it('mutated files, plain and gzipped, load or throw CnnError', () => {
    const outcomes = new Outcomes();
    fc.assert(
      fc.property(fc.constantFrom(...seeds.keys()), edits, (seed, list) => parseAll(applyEdits(seeds[seed], list), outcomes)),
      { numRuns: 4000, seed: 5 },
    );
    // Three parses a case; a fuzzer that only ever failed, or never did, would test little.
    expect(outcomes.total).toBe(12000);
    expect(outcomes.loaded).toBeGreaterThan(500);
    expect(outcomes.rejected).toBeGreaterThan(4000);
    expect(outcomes.messages.size).toBeGreaterThan(15);
    // A generous bound that only a hang or a runaway allocation would cross.
    expect(outcomes.slowestMs).toBeLessThan(2000);
  });

  it('gzip of mutated files (valid compression, broken content) loads or throws CnnError', () => {
    const outcomes = new Outcomes();
    fc.assert(
      fc.property(fc.constantFrom(images, labels), edits, (seed, list) => parseAll(gzipSync(applyEdits(seed, list)), outcomes)),
      { numRuns: 1500, seed: 6 },
    );
    expect(outcomes.total).toBe(4500);
    expect(outcomes.loaded).toBeGreaterThan(150);
    expect(outcomes.slowestMs).toBeLessThan(2000);
  });

  it('random bytes load or throw CnnError', () => {
    const outcomes = new Outcomes();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 48 }), (bytes) => parseAll(bytes, outcomes)),
      { numRuns: 3000, seed: 7 },
    );
    expect(outcomes.total).toBe(9000);
    expect(outcomes.slowestMs).toBeLessThan(2000);
  });
});
