// A strict parser for IDX files, the format MNIST ships in, gzipped or not. It works on bytes only so
// that every bad file can be tested from buffers; each error names the file and what was wrong.

import { constants, gunzipSync } from 'node:zlib';
import { CnnError } from '../errors.js';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

export interface IdxImages {
  count: number;
  rows: number;
  columns: number;
  pixels: Uint8Array;
}

const UNSIGNED_BYTE = 0x08;
const IMAGES_MAGIC = 2051;
const LABELS_MAGIC = 2049;
/** The whole of MNIST inflates to about 55 MB; a file far beyond that is corrupt or hostile. */
export const MAX_INFLATED_BYTES = 512 * 1024 * 1024;
const MAX_DATA_BYTES = 2 ** 31;

const TYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'short',
  0x0c: 'int',
  0x0d: 'float',
  0x0e: 'double',
};

/** Inflates gzip data (magic 1f 8b), stopping at maxBytes so a gzip bomb cannot exhaust memory. */
export function gunzipIfCompressed(bytes: Uint8Array, fileName: string, maxBytes = MAX_INFLATED_BYTES): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    const inflated = gunzipSync(bytes, { maxOutputLength: maxBytes });
    return new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.length);
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new CnnError(`${fileName}: gzip data inflates to more than ${maxBytes} bytes`);
    }
    throw new CnnError(`${fileName}: corrupt gzip data: ${(error as Error).message}`);
  }
}

/** Parses an unsigned-byte IDX file; data is a view into the (inflated) bytes, not a copy. */
export function parseIdx(bytes: Uint8Array, fileName: string): IdxArray {
  const declared = isGzip(bytes) ? declaredLength(bytes) : undefined;
  let file: Uint8Array;
  try {
    // One byte past what the header declares is enough to know there are trailing bytes.
    file = gunzipIfCompressed(bytes, fileName, declared === undefined ? MAX_INFLATED_BYTES : declared + 1);
  } catch (error) {
    if (declared === undefined || !/inflates to more than/.test((error as Error).message)) throw error;
    throw new CnnError(`${fileName}: trailing bytes: header says ${declared} bytes, the gzip data holds more`);
  }
  if (file.length < 4) {
    throw new CnnError(`${fileName}: truncated: ${file.length} bytes is too short for an IDX header`);
  }
  if (file[0] !== 0 || file[1] !== 0) {
    const found = `${hex(file[0])} ${hex(file[1])}`;
    throw new CnnError(`${fileName}: not an IDX file: magic starts with ${found}, expected 0x00 0x00`);
  }
  const type = file[2];
  if (type !== UNSIGNED_BYTE) {
    const typeName = TYPE_NAMES[type] ?? 'unknown';
    throw new CnnError(
      `${fileName}: IDX data type ${hex(type)} (${typeName}) is not supported, only 0x08 (unsigned byte)`,
    );
  }
  const dimensionCount = file[3];
  if (dimensionCount === 0) throw new CnnError(`${fileName}: IDX header declares no dimensions`);
  const headerLength = 4 + 4 * dimensionCount;
  if (file.length < headerLength) {
    throw new CnnError(
      `${fileName}: truncated: header of ${dimensionCount} dimensions needs ${headerLength} bytes, file has ${file.length}`,
    );
  }

  const view = new DataView(file.buffer, file.byteOffset, file.length);
  const dims: number[] = [];
  let dataLength = 1;
  for (let axis = 0; axis < dimensionCount; axis++) {
    const dimension = view.getUint32(4 + 4 * axis, false);
    dims.push(dimension);
    if (dimension === 0) throw new CnnError(`${fileName}: dimension ${axis} is zero`);
    // Checked at every step so the product can never grow past what a double holds exactly.
    dataLength *= dimension;
    if (dataLength > MAX_DATA_BYTES) {
      throw new CnnError(`${fileName}: header dimensions describe more than ${MAX_DATA_BYTES} bytes of data`);
    }
  }

  const expected = headerLength + dataLength;
  if (file.length < expected) {
    throw new CnnError(`${fileName}: truncated: header says ${expected} bytes, file has ${file.length}`);
  }
  if (file.length > expected) {
    throw new CnnError(`${fileName}: trailing bytes: header says ${expected} bytes, file has ${file.length}`);
  }
  return { dims, data: new Uint8Array(file.buffer, file.byteOffset + headerLength, dataLength) };
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * The whole file's length as its IDX header declares it, read by inflating only a growing prefix of
 * the gzip data, or undefined if the header cannot be read or describes too much (parseIdx then says
 * why). With it, a gzip bomb under an honest-looking header is stopped at the declared size instead
 * of costing MAX_INFLATED_BYTES of memory and seconds of time. Deflate expands a byte at most about
 * 1032 times, so the prefix's output stays small.
 */
function declaredLength(bytes: Uint8Array): number | undefined {
  for (let prefix = 256; ; prefix *= 4) {
    let head: Buffer;
    try {
      head = gunzipSync(bytes.subarray(0, prefix), { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: 1100 * prefix });
    } catch {
      return undefined;
    }
    if (head.length >= 4 && head.length >= 4 + 4 * head[3]) {
      let length = 1;
      for (let axis = 0; axis < head[3]; axis++) length *= head.readUInt32BE(4 + 4 * axis);
      const total = 4 + 4 * head[3] + length;
      return head[3] > 0 && length > 0 && length <= MAX_DATA_BYTES && total < MAX_INFLATED_BYTES ? total : undefined;
    }
    if (prefix >= bytes.length) return undefined;
  }
}

export function parseImages(bytes: Uint8Array, fileName: string): IdxImages {
  const { dims, data } = expectMagic(parseIdx(bytes, fileName), IMAGES_MAGIC, 'image', fileName);
  const [count, rows, columns] = dims;
  return { count, rows, columns, pixels: data };
}

export function parseLabels(bytes: Uint8Array, fileName: string): Uint8Array {
  return expectMagic(parseIdx(bytes, fileName), LABELS_MAGIC, 'label', fileName).data;
}

/** For unsigned-byte files the magic number is 0x0800 plus the dimension count. */
function expectMagic(idx: IdxArray, magic: number, kind: string, fileName: string): IdxArray {
  const expectedDimensions = magic - (UNSIGNED_BYTE << 8);
  if (idx.dims.length !== expectedDimensions) {
    const actualMagic = (UNSIGNED_BYTE << 8) + idx.dims.length;
    throw new CnnError(
      `${fileName}: expected an IDX ${kind} file (magic ${magic}, ${dimensions(expectedDimensions)}), ` +
        `got magic ${actualMagic} (${dimensions(idx.dims.length)})`,
    );
  }
  return idx;
}

function dimensions(count: number): string {
  return count === 1 ? '1 dimension' : `${count} dimensions`;
}

function hex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`;
}
