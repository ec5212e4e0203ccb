// Byte mutations for the fuzz tests: fast-check draws a short list of edits (set, flip, cut, insert,
// delete, a 32-bit big-endian word set to a boundary value) and applies them to a valid file, so
// most cases stay close enough to the format to get past its first checks.

import fc from 'fast-check';
import { CnnError } from '../../src/errors.js';

export type Edit =
  | { kind: 'set'; at: number; value: number }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'cut'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'word'; at: number; value: number };

// Sizes and counts where parsers go wrong: zero, one, 28, around 2^31 and 2^32.
const boundaryWords = [0, 1, 2, 3, 28, 255, 256, 2049, 2051, 60000, 0x7fffffff, 0x80000000, 0xffffffff];

const at = fc.nat({ max: 1 << 20 });

export const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at, value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('flip' as const), at, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('cut' as const), at }),
  fc.record({ kind: fc.constant('insert' as const), at, bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('delete' as const), at, count: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant('word' as const), at, value: fc.oneof(fc.constantFrom(...boundaryWords), fc.nat({ max: 0xffffffff })) }),
);

export const edits = fc.array(edit, { minLength: 1, maxLength: 4 });

/**
 * Positions are taken modulo the length, with a bias to the first 64 bytes, where the headers are
 * whose every byte matters.
 */
export function applyEdits(original: Uint8Array, list: readonly Edit[]): Uint8Array {
  let bytes: Uint8Array = Uint8Array.from(original);
  for (const change of list) {
    const length = Math.max(bytes.length, 1);
    const position = change.at % 2 === 0 ? (change.at >> 1) % Math.min(length, 64) : (change.at >> 1) % length;
    switch (change.kind) {
      case 'set':
        if (bytes.length > 0) bytes[position] = change.value;
        break;
      case 'flip':
        if (bytes.length > 0) bytes[position] ^= 1 << change.bit;
        break;
      case 'cut':
        bytes = bytes.slice(0, position);
        break;
      case 'insert':
        bytes = concat(bytes.slice(0, position), change.bytes, bytes.slice(position));
        break;
      case 'delete':
        bytes = concat(bytes.slice(0, position), bytes.slice(position + change.count));
        break;
      case 'word':
        if (position + 4 <= bytes.length) new DataView(bytes.buffer).setUint32(position, change.value, false);
        break;
    }
  }
  return bytes;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const result = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    result.set(part, offset);
    offset += part.length;
  }
  return result;
}

/** Tallies what a fuzzed loader did; anything but a result or our own one-line error fails the test. */
export class Outcomes {
  loaded = 0;
  rejected = 0;
  slowestMs = 0;
  readonly messages = new Set<string>();

  get total(): number {
    return this.loaded + this.rejected;
  }

  /** Runs one case; returns the result, or undefined when it was refused properly. */
  run<T>(load: () => T): T | undefined {
    const started = performance.now();
    try {
      const value = load();
      this.loaded++;
      return value;
    } catch (error) {
      this.refused(error);
      return undefined;
    } finally {
      this.slowestMs = Math.max(this.slowestMs, performance.now() - started);
    }
  }

  async runAsync<T>(load: () => Promise<T>): Promise<T | undefined> {
    const started = performance.now();
    try {
      const value = await load();
      this.loaded++;
      return value;
    } catch (error) {
      this.refused(error);
      return undefined;
    } finally {
      this.slowestMs = Math.max(this.slowestMs, performance.now() - started);
    }
  }

  private refused(error: unknown): void {
    if (!(error instanceof CnnError)) throw error;
    // Plain checks rather than expect(): this runs tens of thousands of times.
    if (error.message.includes('\n') || error.message.length > 400) throw new Error(`not a one-line message: ${error.message}`);
    this.rejected++;
    // Counted by kind of message (numbers removed), to show the fuzzer reached many checks.
    this.messages.add(error.message.replace(/\d+/g, 'N').slice(0, 80));
  }
}
