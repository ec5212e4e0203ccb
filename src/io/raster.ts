// Small pure operations on grey rasters (values in [0,1], row-major) that the digit
// preprocessing is built from: statistics, blurs and morphology. Resampling is in resample.ts.

export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array; // RGBA, 8 bits per channel, row-major
}

export interface Raster {
  width: number;
  height: number;
  values: Float32Array;
}

export function gather(values: Float32Array, indices: number[]): Float32Array {
  const out = new Float32Array(indices.length);
  for (let k = 0; k < indices.length; k++) out[k] = values[indices[k]];
  return out;
}

export function median(values: Float32Array): number {
  return select(values, values.length >> 1);
}

// Quickselect (Hoare partition): the k-th smallest value without sorting a million of them.
export function select(values: Float32Array, k: number): number {
  const scratch = values.slice();
  let low = 0;
  let high = scratch.length - 1;
  while (low < high) {
    const pivot = scratch[(low + high) >> 1];
    let i = low;
    let j = high;
    while (i <= j) {
      while (scratch[i] < pivot) i++;
      while (scratch[j] > pivot) j--;
      if (i <= j) {
        const swap = scratch[i];
        scratch[i++] = scratch[j];
        scratch[j--] = swap;
      }
    }
    if (k <= j) high = j;
    else if (k >= i) low = i;
    else break;
  }
  return scratch[k];
}

export function boxBlur({ width, height, values }: Raster): Raster {
  const rows = new Float32Array(values.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const row = y * width;
      rows[row + x] = (values[row + Math.max(0, x - 1)] + values[row + x] + values[row + Math.min(width - 1, x + 1)]) / 3;
    }
  }
  const out = new Float32Array(values.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      out[y * width + x] = (rows[Math.max(0, y - 1) * width + x] + rows[y * width + x] + rows[Math.min(height - 1, y + 1) * width + x]) / 3;
    }
  }
  return { width, height, values: out };
}

// Grey-level erosion or dilation by a (2 radius + 1) square, same size out, the square clipped at
// the edges. Van Herk / Gil-Werman: running minima within blocks of the window's length make the
// cost independent of the radius. A dilation is an erosion of the negative.
export function extremeFilter({ width, height, values }: Raster, radius: number, kind: 'min' | 'max'): Raster {
  const sign = kind === 'min' ? 1 : -1;
  const out = new Float32Array(values.length);
  for (let i = 0; i < out.length; i++) out[i] = sign * values[i];
  const scratch = new Float32Array(3 * (Math.max(width, height) + 2 * radius));
  erodeLines(out, width, height, 1, width, radius, scratch);
  erodeLines(out, height, width, width, 1, radius, scratch);
  if (sign === -1) for (let i = 0; i < out.length; i++) out[i] = -out[i];
  return { width, height, values: out };
}

// Erodes `lines` lines of `count` values each, in place; a line's values lie `step` apart and
// successive lines start `stride` apart. Padding with Infinity clips the window at the ends.
function erodeLines(values: Float32Array, count: number, lines: number, step: number, stride: number, radius: number, scratch: Float32Array): void {
  const window = 2 * radius + 1;
  const length = count + 2 * radius;
  const line = scratch.subarray(0, length);
  const prefix = scratch.subarray(length, 2 * length);
  const suffix = scratch.subarray(2 * length, 3 * length);
  line.fill(Infinity);
  for (let start = 0; start < lines * stride; start += stride) {
    for (let i = 0; i < count; i++) line[radius + i] = values[start + i * step];
    for (let blockStart = 0; blockStart < length; blockStart += window) {
      const blockEnd = Math.min(length, blockStart + window);
      let lowest = Infinity;
      for (let i = blockStart; i < blockEnd; i++) prefix[i] = lowest = line[i] < lowest ? line[i] : lowest;
      lowest = Infinity;
      for (let i = blockEnd - 1; i >= blockStart; i--) suffix[i] = lowest = line[i] < lowest ? line[i] : lowest;
    }
    for (let i = 0; i < count; i++) values[start + i * step] = suffix[i] < prefix[i + 2 * radius] ? suffix[i] : prefix[i + 2 * radius];
  }
}

/** Grey-level dilation by a (2 radius + 1) square, on a canvas grown by `radius` on every side. */
export function dilate({ width, height, values }: Raster, radius: number): Raster {
  const padded: Raster = { width: width + 2 * radius, height: height + 2 * radius, values: new Float32Array((width + 2 * radius) * (height + 2 * radius)) };
  for (let y = 0; y < height; y++) padded.values.set(values.subarray(y * width, (y + 1) * width), (y + radius) * padded.width + radius);
  return extremeFilter(padded, radius, 'max');
}

export function transpose({ width, height, values }: Raster): Raster {
  const out = new Float32Array(values.length);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[x * height + y] = values[y * width + x];
  return { width: height, height: width, values: out };
}
