// Changing a picture's size: area averaging down (as MNIST's digits were made, and as the search
// for ink wants, since averaging also quiets noise) and bilinear interpolation up, for the
// paper's smooth surface. Hot loops avoid closures and destructuring: `cnn predict` runs them
// once, before the JIT has warmed up.

import { transpose, type Raster, type RgbaImage } from './raster.js';

/** Luminance times alpha, and alpha, averaged over the source area each pixel covers. */
export interface ShrunkImage {
  width: number;
  height: number;
  span: [number, number]; // source pixels per pixel here, across and down
  luminance: Float32Array; // premultiplied: compositing over a level b adds (1 - alpha) b
  alpha: Float32Array;
}

// One pass over the RGBA bytes, a row at a time.
export function shrinkRgba({ width, height, data }: RgbaImage, side: number): ShrunkImage {
  const grid = areaGrid(width, height, side);
  if (grid.width === width && grid.height === height) return rgbaAsIs({ width, height, data });
  const luminance = new Float32Array((grid.height + 1) * grid.width);
  const alpha = new Float32Array(luminance.length);
  const [rowLuminance, rowAlpha] = [new Float32Array(width), new Float32Array(width)];
  for (let y = 0; y < height; y++) {
    for (let x = 0, i = 4 * y * width; x < width; x++, i += 4) {
      rowAlpha[x] = data[i + 3] / 255;
      rowLuminance[x] = (rowAlpha[x] * (0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2])) / 255;
    }
    addRow(grid, y, rowLuminance, luminance);
    addRow(grid, y, rowAlpha, alpha);
  }
  const size = grid.width * grid.height;
  return { width: grid.width, height: grid.height, span: grid.span, luminance: luminance.subarray(0, size), alpha: alpha.subarray(0, size) };
}

function rgbaAsIs({ width, height, data }: RgbaImage): ShrunkImage {
  const luminance = new Float32Array(width * height);
  const alpha = new Float32Array(width * height);
  for (let i = 0; i < alpha.length; i++) {
    alpha[i] = data[4 * i + 3] / 255;
    luminance[i] = (alpha[i] * (0.299 * data[4 * i] + 0.587 * data[4 * i + 1] + 0.114 * data[4 * i + 2])) / 255;
  }
  return { width, height, span: [1, 1], luminance, alpha };
}

/** The raster area-averaged so that its longer side is at most `side`. */
export function shrink(raster: Raster, side: number): Raster {
  const grid = areaGrid(raster.width, raster.height, side);
  const values = new Float32Array((grid.height + 1) * grid.width);
  for (let y = 0; y < raster.height; y++) addRow(grid, y, raster.values.subarray(y * raster.width, (y + 1) * raster.width), values);
  return { width: grid.width, height: grid.height, values: values.subarray(0, grid.width * grid.height) };
}

// Where each source column and row goes when shrinking to `side`: source pixel k covers
// [k, k + 1) / span of the target, a share of its first target pixel and the rest of the next.
interface AreaGrid {
  width: number;
  height: number;
  span: [number, number];
  columns: Overlaps;
  rows: Overlaps;
  row: Float32Array; // scratch: one source row averaged across
}

interface Overlaps {
  first: Int32Array;
  share: Float32Array;
  rest: Float32Array;
}

function areaGrid(width: number, height: number, side: number): AreaGrid {
  const scale = Math.min(1, side / Math.max(width, height));
  const targetWidth = Math.max(1, Math.round(width * scale));
  const targetHeight = Math.max(1, Math.round(height * scale));
  const span: [number, number] = [width / targetWidth, height / targetHeight];
  const overlaps = (count: number, step: number, limit: number): Overlaps => {
    const [first, share, rest] = [new Int32Array(count), new Float32Array(count), new Float32Array(count)];
    for (let source = 0; source < count; source++) {
      first[source] = Math.min(limit - 1, Math.floor(source / step));
      share[source] = Math.min((source + 1) / step, first[source] + 1) - source / step;
      rest[source] = 1 / step - share[source];
    }
    return { first, share, rest };
  };
  const [columns, rows] = [overlaps(width, span[0], targetWidth), overlaps(height, span[1], targetHeight)];
  return { width: targetWidth, height: targetHeight, span, columns, rows, row: new Float32Array(targetWidth + 1) };
}

// Adds source row y's shares to the target, which has one spare row for the last row's rest.
function addRow({ width, columns, rows, row }: AreaGrid, y: number, source: Float32Array, target: Float32Array): void {
  row.fill(0);
  for (let x = 0; x < source.length; x++) {
    row[columns.first[x]] += columns.share[x] * source[x];
    row[columns.first[x] + 1] += columns.rest[x] * source[x];
  }
  const [above, below] = [rows.first[y] * width, (rows.first[y] + 1) * width];
  for (let column = 0; column < width; column++) {
    target[above + column] += rows.share[y] * row[column];
    target[below + column] += rows.rest[y] * row[column];
  }
}

/** `source` sampled bilinearly on a grid `scale` times finer (pixel centres aligned), over `region` of that grid. */
export function upsample(source: Raster, scale: [number, number], region: { left: number; top: number; width: number; height: number }): Raster {
  const { width, height } = region;
  const columns = interpolation(source.width, scale[0], region.left, width);
  const rows = interpolation(source.height, scale[1], region.top, height);
  const values = new Float32Array(width * height);
  const levels = source.values;
  for (let y = 0; y < height; y++) {
    const above = rows.low[y] * source.width;
    const below = rows.high[y] * source.width;
    const down = rows.fraction[y];
    for (let x = 0; x < width; x++) {
      const low = columns.low[x];
      const high = columns.high[x];
      const top = levels[above + low] + (levels[above + high] - levels[above + low]) * columns.fraction[x];
      const bottom = levels[below + low] + (levels[below + high] - levels[below + low]) * columns.fraction[x];
      values[y * width + x] = top + (bottom - top) * down;
    }
  }
  return { width, height, values };
}

function interpolation(count: number, scale: number, start: number, length: number): { low: Int32Array; high: Int32Array; fraction: Float32Array } {
  const low = new Int32Array(length);
  const high = new Int32Array(length);
  const fraction = new Float32Array(length);
  for (let k = 0; k < length; k++) {
    const position = (start + k + 0.5) / scale - 0.5;
    low[k] = Math.min(count - 1, Math.max(0, Math.floor(position)));
    high[k] = Math.min(count - 1, low[k] + 1);
    fraction[k] = Math.min(1, Math.max(0, position - low[k]));
  }
  return { low, high, fraction };
}

// Area averaging (a box filter): each output pixel is the mean of the source area it covers.
// Shrinking takes one pass; enlarging (a tiny digit) goes rows first, then columns, each pass a
// transpose away from the other.
export function scaleToLongerSide(image: Raster, side: number): Raster {
  if (side <= Math.max(image.width, image.height)) return shrink(image, side);
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
