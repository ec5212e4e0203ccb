import { gzipSync } from 'node:zlib';
import { describe, it, expect } from 'vitest';
import { CnnError } from '../errors.js';
import { gunzipIfCompressed, parseIdx, parseImages, parseLabels } from './idx.js';

/** Builds an IDX file: zero, zero, type, dimension count, big-endian dims, then the data. */
function idxFile(dims: number[], data: number[], type = 0x08): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(bytes.buffer);
  bytes[2] = type;
  bytes[3] = dims.length;
  dims.forEach((dimension, axis) => view.setUint32(4 + 4 * axis, dimension, false));
  bytes.set(data, 4 + 4 * dims.length);
  return bytes;
}

function errorOf(action: () => unknown): CnnError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(CnnError);
    return error as CnnError;
  }
  throw new Error('expected an error');
}

const imagePixels = Array.from({ length: 2 * 3 * 4 }, (_, index) => index * 10);

describe('parseIdx', () => {
  it('reads a 3D image file: dims big-endian, data a view after the header', () => {
    const file = idxFile([2, 3, 4], imagePixels);
    const { dims, data } = parseIdx(file, 'images');
    expect(dims).toEqual([2, 3, 4]);
    expect([...data]).toEqual(imagePixels);
    expect(data.buffer).toBe(file.buffer);
  });

  it('reads dimensions above 255 in big-endian order', () => {
    const { dims } = parseIdx(idxFile([300], new Array(300).fill(1)), 'labels');
    expect(dims).toEqual([300]);
  });

  it('rejects a file whose first two bytes are not zero', () => {
    const file = idxFile([2], [1, 2]);
    file[0] = 0x12;
    expect(errorOf(() => parseIdx(file, 'x.idx')).message).toBe(
      'x.idx: not an IDX file: magic starts with 0x12 0x00, expected 0x00 0x00',
    );
  });

  it('rejects data types other than unsigned byte, naming the type', () => {
    const file = idxFile([1], [0, 0, 0, 0], 0x0d);
    expect(errorOf(() => parseIdx(file, 'x.idx')).message).toBe(
      'x.idx: IDX data type 0x0d (float) is not supported, only 0x08 (unsigned byte)',
    );
  });

  it('reports a truncated file with expected and actual sizes', () => {
    const file = idxFile([60000, 28, 28], new Array(984).fill(0));
    expect(errorOf(() => parseIdx(file, 'train-images-idx3-ubyte')).message).toBe(
      'train-images-idx3-ubyte: truncated: header says 47040016 bytes, file has 1000',
    );
  });

  it('reports a truncated header', () => {
    const file = idxFile([2, 3, 4], imagePixels).subarray(0, 10);
    expect(errorOf(() => parseIdx(file, 'x')).message).toBe(
      'x: truncated: header of 3 dimensions needs 16 bytes, file has 10',
    );
    expect(errorOf(() => parseIdx(new Uint8Array(2), 'x')).message).toMatch(/^x: truncated/);
  });

  it('rejects trailing bytes after the data', () => {
    const file = idxFile([2], [1, 2, 3]);
    expect(errorOf(() => parseIdx(file, 'x')).message).toBe('x: trailing bytes: header says 10 bytes, file has 11');
  });

  it('rejects zero-size dimensions and a header without dimensions', () => {
    expect(errorOf(() => parseIdx(idxFile([3, 0, 4], []), 'x')).message).toBe('x: dimension 1 is zero');
    expect(errorOf(() => parseIdx(idxFile([], []), 'x')).message).toBe('x: IDX header declares no dimensions');
  });

  it('rejects headers describing absurd amounts of data before reading it', () => {
    const file = idxFile([0xffffffff, 0xffffffff, 0xffffffff], []);
    expect(errorOf(() => parseIdx(file, 'x')).message).toMatch(/^x: header dimensions describe more than 2147483648 bytes/);
  });
});

describe('gzip', () => {
  it('inflates gzipped IDX data before parsing', () => {
    const file = idxFile([2, 3, 4], imagePixels);
    const images = parseImages(gzipSync(file), 'images.gz');
    expect(images.count).toBe(2);
    expect([...images.pixels]).toEqual(imagePixels);
  });

  it('leaves plain bytes alone', () => {
    const file = idxFile([1], [7]);
    expect(gunzipIfCompressed(file, 'x')).toBe(file);
  });

  it('stops a gzip that inflates beyond the limit', () => {
    const bomb = gzipSync(new Uint8Array(1 << 20));
    expect(bomb.length).toBeLessThan(4096);
    expect(errorOf(() => gunzipIfCompressed(bomb, 'bomb.gz', 1 << 16)).message).toBe(
      'bomb.gz: gzip data inflates to more than 65536 bytes',
    );
  });

  it('reports corrupt gzip data', () => {
    const broken = gzipSync(idxFile([4], [1, 2, 3, 4])).subarray(0, 12);
    expect(errorOf(() => parseIdx(broken, 'x.gz')).message).toMatch(/^x\.gz: corrupt gzip data: /);
  });
});

describe('parseImages and parseLabels', () => {
  it('return count, rows, columns and pixels for magic 2051', () => {
    const images = parseImages(idxFile([2, 3, 4], imagePixels), 'images');
    expect(images).toMatchObject({ count: 2, rows: 3, columns: 4 });
    expect(images.pixels.length).toBe(24);
  });

  it('return the labels for magic 2049', () => {
    expect([...parseLabels(idxFile([3], [5, 0, 4]), 'labels')]).toEqual([5, 0, 4]);
  });

  it('refuse a label file given as images, and the reverse', () => {
    expect(errorOf(() => parseImages(idxFile([3], [5, 0, 4]), 'labels')).message).toBe(
      'labels: expected an IDX image file (magic 2051, 3 dimensions), got magic 2049 (1 dimension)',
    );
    expect(errorOf(() => parseLabels(idxFile([2, 3, 4], imagePixels), 'images')).message).toBe(
      'images: expected an IDX label file (magic 2049, 1 dimension), got magic 2051 (3 dimensions)',
    );
  });
});

describe('gzip bombs', () => {
  // 16 MB of zeros after a header that declares 4 one-byte labels, in 16 KB. Inflating it all would
  // end at the general limit with another message; this one shows it stopped at byte 13.
  it('stops inflating one byte past the size the header declares', () => {
    const bomb = gzipSync(Buffer.concat([idxFile([4], [1, 2, 3, 4]), Buffer.alloc(16 << 20)]));
    expect(bomb.length).toBeLessThan(1 << 15);
    expect(errorOf(() => parseIdx(bomb, 'bomb.gz')).message).toBe('bomb.gz: trailing bytes: header says 12 bytes, the gzip data holds more');
  });

  it('still reads a file whose gzip header carries a long file name', () => {
    const named = gzipSync(idxFile([3], [7, 8, 9]));
    const name = Buffer.alloc(5000, 0x61);
    // FLG.FNAME: a zero-terminated name follows the 10-byte header.
    const withName = Buffer.concat([named.subarray(0, 3), Buffer.from([named[3] | 0x08]), named.subarray(4, 10), name, Buffer.from([0]), named.subarray(10)]);
    expect([...parseIdx(withName, 'named.gz').data]).toEqual([7, 8, 9]);
  });
});
