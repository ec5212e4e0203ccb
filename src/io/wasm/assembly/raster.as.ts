// The grey-raster operations of ../../raster.ts, ported one function at a time. Throughout the
// twin, levels are stored as f32 (the TypeScript's Float32Array) and computed in f64 (its numbers),
// so every result rounds exactly where the reference's does.

export class RgbaImage {
  constructor(public width: i32, public height: i32, public data: Uint8Array) {}
}

export class Raster {
  constructor(public width: i32, public height: i32, public values: Float32Array) {}
}

export enum Extreme { Min, Max }

export function gather(values: Float32Array, indices: Int32Array): Float32Array {
  const out = new Float32Array(indices.length);
  for (let k = 0; k < indices.length; k++) out[k] = values[indices[k]];
  return out;
}

export function median(values: Float32Array): f64 {
  return select(values, values.length >> 1);
}

// Quickselect (Hoare partition), as in select of raster.ts.
export function select(values: Float32Array, k: i32): f64 {
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
  return <f64>scratch[k];
}

export function boxBlur(raster: Raster): Raster {
  const width = raster.width;
  const height = raster.height;
  const values = raster.values;
  const rows = new Float32Array(values.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const row = y * width;
      rows[row + x] = <f32>((<f64>values[row + max(0, x - 1)] + <f64>values[row + x] + <f64>values[row + min(width - 1, x + 1)]) / 3);
    }
  }
  const out = new Float32Array(values.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      out[y * width + x] = <f32>((<f64>rows[max(0, y - 1) * width + x] + <f64>rows[y * width + x] + <f64>rows[min(height - 1, y + 1) * width + x]) / 3);
    }
  }
  return new Raster(width, height, out);
}

// Grey-level erosion or dilation by a (2 radius + 1) square (van Herk / Gil-Werman): see
// extremeFilter in raster.ts.
export function extremeFilter(raster: Raster, radius: i32, kind: Extreme): Raster {
  const width = raster.width;
  const height = raster.height;
  const values = raster.values;
  const sign: f32 = kind == Extreme.Min ? 1 : -1;
  const out = new Float32Array(values.length);
  for (let i = 0; i < out.length; i++) out[i] = sign * values[i];
  const scratch = new Float32Array(3 * (max(width, height) + 2 * radius));
  erodeLines(out, width, height, 1, width, radius, scratch);
  erodeLines(out, height, width, width, 1, radius, scratch);
  if (sign == -1) for (let i = 0; i < out.length; i++) out[i] = -out[i];
  return new Raster(width, height, out);
}

// Erodes `lines` lines of `count` values `step` apart, starting `stride` apart, in place. The
// scratch's three parts (line, prefix, suffix) are addressed by offset instead of subarray.
function erodeLines(values: Float32Array, count: i32, lines: i32, step: i32, stride: i32, radius: i32, scratch: Float32Array): void {
  const window = 2 * radius + 1;
  const length = count + 2 * radius;
  const prefix = length;
  const suffix = 2 * length;
  for (let i = 0; i < length; i++) scratch[i] = Infinity;
  for (let start = 0; start < lines * stride; start += stride) {
    for (let i = 0; i < count; i++) scratch[radius + i] = values[start + i * step];
    for (let blockStart = 0; blockStart < length; blockStart += window) {
      const blockEnd = min(length, blockStart + window);
      let lowest: f32 = Infinity;
      for (let i = blockStart; i < blockEnd; i++) scratch[prefix + i] = lowest = scratch[i] < lowest ? scratch[i] : lowest;
      lowest = Infinity;
      for (let i = blockEnd - 1; i >= blockStart; i--) scratch[suffix + i] = lowest = scratch[i] < lowest ? scratch[i] : lowest;
    }
    for (let i = 0; i < count; i++) {
      const fromSuffix = scratch[suffix + i];
      const fromPrefix = scratch[prefix + i + 2 * radius];
      values[start + i * step] = fromSuffix < fromPrefix ? fromSuffix : fromPrefix;
    }
  }
}

/** Grey-level dilation by a (2 radius + 1) square, on a canvas grown by `radius` on every side. */
export function dilate(raster: Raster, radius: i32): Raster {
  const width = raster.width;
  const height = raster.height;
  const padded = new Raster(width + 2 * radius, height + 2 * radius, new Float32Array((width + 2 * radius) * (height + 2 * radius)));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) padded.values[(y + radius) * padded.width + radius + x] = raster.values[y * width + x];
  }
  return extremeFilter(padded, radius, Extreme.Max);
}

export function transpose(raster: Raster): Raster {
  const width = raster.width;
  const height = raster.height;
  const values = raster.values;
  const out = new Float32Array(values.length);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[x * height + y] = values[y * width + x];
  return new Raster(height, width, out);
}
