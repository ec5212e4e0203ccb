// Float32 arrays as text for JSON files: base64 of little-endian bytes, which round-trips bitwise and
// is about a quarter of the size of decimal arrays, with a SHA-256 of the bytes so that a flipped bit
// in a file is an error rather than a quietly different weight.

import { createHash } from 'node:crypto';
import type { FloatArray } from '../tensor/tensor.js';

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export interface EncodedFloat32 {
  data: string;
  sha256: string;
}

// Little-endian bytes, so a file is the same on any machine: a float32 array's own bytes where the
// machine is little-endian (one copy; a checkpoint encodes a million values after every epoch),
// else DataView with an explicit little-endian flag.
export function encodeFloat32(values: ArrayLike<number>): EncodedFloat32 {
  let bytes: Buffer;
  if (littleEndian && values instanceof Float32Array) {
    bytes = Buffer.from(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  } else {
    bytes = Buffer.alloc(4 * values.length);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < values.length; i++) view.setFloat32(4 * i, values[i], true);
  }
  return { data: bytes.toString('base64'), sha256: sha256(bytes) };
}

/**
 * Fills target from base64 text, or returns what is wrong, naming it by label ("tensor conv1.W").
 * Values are checked before the checksum so a NaN is reported as such; the checksum is checked only
 * when the file has one, so snapshots written before checksums existed still load.
 */
export function decodeFloat32(data: unknown, checksum: unknown, target: FloatArray, label: string): string | undefined {
  if (typeof data !== 'string' || data.length % 4 !== 0) return `${label}: data is not a base64 string`;
  const bytes = Buffer.from(data, 'base64');
  // Buffer's decoder skips characters it does not know, so a corrupted file must be caught another
  // way: a length that does not come out at 3 bytes per 4 characters (less the padding) means some
  // were skipped. Checked this way rather than with a regular expression over the whole text, which
  // took most of a snapshot's load time (35 ms of `cnn predict`).
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  const firstPadding = data.indexOf('=');
  if (bytes.length !== (data.length / 4) * 3 - padding || (firstPadding !== -1 && firstPadding < data.length - padding)) {
    return `${label}: data is not a base64 string`;
  }
  if (bytes.length !== 4 * target.length) {
    return `${label}: data holds ${bytes.length} bytes, expected ${4 * target.length} (${target.length} float32 values)`;
  }
  if (littleEndian) {
    // The bytes are the array already: one copy (to an aligned buffer), then one pass to check them.
    target.set(new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)));
    for (let i = 0; i < target.length; i++) {
      if (!Number.isFinite(target[i])) return `${label} holds ${target[i]} at index ${i}`;
    }
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < target.length; i++) {
      const value = view.getFloat32(4 * i, true);
      if (!Number.isFinite(value)) return `${label} holds ${value} at index ${i}`;
      target[i] = value;
    }
  }
  if (checksum === undefined) return undefined;
  if (typeof checksum !== 'string' || !/^[0-9a-f]{64}$/.test(checksum)) return `${label}: sha256 must be 64 hex digits`;
  if (sha256(bytes) !== checksum) return `${label}: checksum mismatch, the data is corrupt`;
  return undefined;
}

export function firstNonFinite(values: ArrayLike<number>): { index: number; value: number } | undefined {
  for (let index = 0; index < values.length; index++) {
    if (!Number.isFinite(values[index])) return { index, value: values[index] };
  }
  return undefined;
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
