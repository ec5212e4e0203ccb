// Small pure operations on grey rasters (values in [0,1], row-major) that the digit
// preprocessing is built from: statistics, blurs, morphology and area-averaging resampling.

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

// Float32Array.prototype.map and .from with a callback run several times slower than a plain loop.
export function mapped(values: Float32Array, transform: (level: number, index: number) => number): Float32Array {
  const out = new Float32Array(values.length);
  for (let index = 0; index < values.length; index++) out[index] = transform(values[index], index);
  return out;
}

export function gather(values: Float32Array, indices: number[]): Float32Array {
  const out = new Float32Array(indices.length);
  for (let k = 0; k < indices.length; k++) out[k] = values[indices[k]];
  return out;
}

// Quickselect (Hoare partition): the middle value without sorting a million of them.
export function median(values: Float32Array): number {
  const scratch = values.slice();
  const middle = scratch.length >> 1;
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
    if (middle <= j) high = j;
    else if (middle >= i) low = i;
    else break;
  }
  return scratch[middle];
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

/** Grey-level dilation by a (2 radius + 1) square, on a canvas grown by `radius` on every side. */
export function dilate({ width, height, values }: Raster, radius: number): Raster {
  const padded: Raster = { width: width + 2 * radius, height: height + 2 * radius, values: new Float32Array((width + 2 * radius) * (height + 2 * radius)) };
  for (let y = 0; y < height; y++) padded.values.set(values.subarray(y * width, (y + 1) * width), (y + radius) * padded.width + radius);
  return transpose(maxAlongRows(transpose(maxAlongRows(padded, radius)), radius));
}

// Area averaging (a box filter): each output pixel is the mean of the source area it covers.
// Rows first, then columns, each pass a transpose away from the other.
export function scaleToLongerSide(image: Raster, side: number): Raster {
  const scale = side / Math.max(image.width, image.height);
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  return transpose(averageAlongRows(transpose(averageAlongRows(image, width)), height));
}

function averageAlongRows({ width, height, values }: Raster, targetWidth: number): Raster {
  const span = width / targetWidth;
  const out = new Float32Array(targetWidth * height);
  for (let target = 0; target < targetWidth; target++) {
    const start = target * span;
    const end = start + span;
    for (let source = Math.floor(start); source < Math.min(width, Math.ceil(end)); source++) {
      const weight = (Math.min(end, source + 1) - Math.max(start, source)) / span;
      for (let y = 0; y < height; y++) out[y * targetWidth + target] += weight * values[y * width + source];
    }
  }
  return { width: targetWidth, height, values: out };
}

function maxAlongRows({ width, height, values }: Raster, radius: number): Raster {
  const out = new Float32Array(values.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let highest = 0;
      for (let k = Math.max(0, x - radius); k <= Math.min(width - 1, x + radius); k++) highest = Math.max(highest, values[y * width + k]);
      out[y * width + x] = highest;
    }
  }
  return { width, height, values: out };
}

function transpose({ width, height, values }: Raster): Raster {
  const out = new Float32Array(values.length);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[x * height + y] = values[y * width + x];
  return { width: height, height: width, values: out };
}
