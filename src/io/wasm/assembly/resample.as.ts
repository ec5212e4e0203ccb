// Resizing, ported from ../../resample.ts: area averaging down, bilinear interpolation up. A span
// or scale pair ([across, down] in the TypeScript) is a StaticArray<f64> of two.

import { Raster, RgbaImage, transpose } from './raster.as';

/** Luminance times alpha, and alpha, averaged over the source area each pixel covers. */
export class ShrunkImage {
  constructor(
    public width: i32,
    public height: i32,
    public span: StaticArray<f64>, // source pixels per pixel here, across and down
    public luminance: Float32Array, // premultiplied by alpha
    public alpha: Float32Array,
  ) {}
}

export class Region {
  constructor(public left: i32, public top: i32, public width: i32, public height: i32) {}
}

class Overlaps {
  constructor(public first: Int32Array, public share: Float32Array, public rest: Float32Array) {}
}

class AreaGrid {
  constructor(
    public width: i32,
    public height: i32,
    public span: StaticArray<f64>,
    public columns: Overlaps,
    public rows: Overlaps,
    public row: Float32Array, // scratch: one source row averaged across
  ) {}
}

class Interpolation {
  constructor(public low: Int32Array, public high: Int32Array, public fraction: Float32Array) {}
}

// Luminance is 0.299 R + 0.587 G + 0.114 B, summed in that order as in the TypeScript.
// @ts-ignore: decorator
@inline
export function weightedGrey(data: Uint8Array, i: i32): f64 {
  return 0.299 * <f64>data[i] + 0.587 * <f64>data[i + 1] + 0.114 * <f64>data[i + 2];
}

export function shrinkRgba(image: RgbaImage, side: i32): ShrunkImage {
  const width = image.width;
  const height = image.height;
  const data = image.data;
  const grid = areaGrid(width, height, side);
  if (grid.width == width && grid.height == height) return rgbaAsIs(image);
  const luminance = new Float32Array((grid.height + 1) * grid.width);
  const alpha = new Float32Array(luminance.length);
  const rowLuminance = new Float32Array(width);
  const rowAlpha = new Float32Array(width);
  for (let y = 0; y < height; y++) {
    for (let x = 0, i = 4 * y * width; x < width; x++, i += 4) {
      rowAlpha[x] = <f32>(<f64>data[i + 3] / 255);
      rowLuminance[x] = <f32>((<f64>rowAlpha[x] * weightedGrey(data, i)) / 255);
    }
    addRow(grid, y, rowLuminance, luminance);
    addRow(grid, y, rowAlpha, alpha);
  }
  const size = grid.width * grid.height;
  return new ShrunkImage(grid.width, grid.height, grid.span, luminance.subarray(0, size), alpha.subarray(0, size));
}

function rgbaAsIs(image: RgbaImage): ShrunkImage {
  const width = image.width;
  const height = image.height;
  const data = image.data;
  const luminance = new Float32Array(width * height);
  const alpha = new Float32Array(width * height);
  for (let i = 0; i < alpha.length; i++) {
    alpha[i] = <f32>(<f64>data[4 * i + 3] / 255);
    luminance[i] = <f32>((<f64>alpha[i] * weightedGrey(data, 4 * i)) / 255);
  }
  const span: StaticArray<f64> = [1, 1];
  return new ShrunkImage(width, height, span, luminance, alpha);
}

/** The raster area-averaged so that its longer side is at most `side`. */
export function shrink(raster: Raster, side: i32): Raster {
  const grid = areaGrid(raster.width, raster.height, side);
  const values = new Float32Array((grid.height + 1) * grid.width);
  for (let y = 0; y < raster.height; y++) addRow(grid, y, raster.values.subarray(y * raster.width, (y + 1) * raster.width), values);
  return new Raster(grid.width, grid.height, values.subarray(0, grid.width * grid.height));
}

function areaGrid(width: i32, height: i32, side: i32): AreaGrid {
  const scale = Math.min(1, <f64>side / <f64>max(width, height));
  const targetWidth = max(1, <i32>Math.round(<f64>width * scale));
  const targetHeight = max(1, <i32>Math.round(<f64>height * scale));
  const span: StaticArray<f64> = [<f64>width / <f64>targetWidth, <f64>height / <f64>targetHeight];
  const columns = overlaps(width, span[0], targetWidth);
  const rows = overlaps(height, span[1], targetHeight);
  return new AreaGrid(targetWidth, targetHeight, span, columns, rows, new Float32Array(targetWidth + 1));
}

// Source pixel k covers [k, k + 1) / step of the target: a share of its first pixel, the rest of the next.
function overlaps(count: i32, step: f64, limit: i32): Overlaps {
  const first = new Int32Array(count);
  const share = new Float32Array(count);
  const rest = new Float32Array(count);
  for (let source = 0; source < count; source++) {
    first[source] = <i32>Math.min(<f64>(limit - 1), Math.floor(<f64>source / step));
    share[source] = <f32>(Math.min(<f64>(source + 1) / step, <f64>first[source] + 1) - <f64>source / step);
    rest[source] = <f32>(1 / step - <f64>share[source]);
  }
  return new Overlaps(first, share, rest);
}

// Adds source row y's shares to the target, which has one spare row for the last row's rest.
function addRow(grid: AreaGrid, y: i32, source: Float32Array, target: Float32Array): void {
  const width = grid.width;
  const columns = grid.columns;
  const rows = grid.rows;
  const row = grid.row;
  row.fill(0);
  for (let x = 0; x < source.length; x++) {
    row[columns.first[x]] = <f32>(<f64>row[columns.first[x]] + <f64>columns.share[x] * <f64>source[x]);
    row[columns.first[x] + 1] = <f32>(<f64>row[columns.first[x] + 1] + <f64>columns.rest[x] * <f64>source[x]);
  }
  const above = rows.first[y] * width;
  const below = (rows.first[y] + 1) * width;
  for (let column = 0; column < width; column++) {
    target[above + column] = <f32>(<f64>target[above + column] + <f64>rows.share[y] * <f64>row[column]);
    target[below + column] = <f32>(<f64>target[below + column] + <f64>rows.rest[y] * <f64>row[column]);
  }
}

/** `source` sampled bilinearly on a grid `scale` times finer (pixel centres aligned), over `region` of that grid. */
export function upsample(source: Raster, scale: StaticArray<f64>, region: Region): Raster {
  const width = region.width;
  const height = region.height;
  const columns = interpolation(source.width, scale[0], region.left, width);
  const rows = interpolation(source.height, scale[1], region.top, height);
  const values = new Float32Array(width * height);
  const levels = source.values;
  for (let y = 0; y < height; y++) {
    const above = rows.low[y] * source.width;
    const below = rows.high[y] * source.width;
    const down = <f64>rows.fraction[y];
    for (let x = 0; x < width; x++) {
      const low = columns.low[x];
      const high = columns.high[x];
      const top = <f64>levels[above + low] + (<f64>levels[above + high] - <f64>levels[above + low]) * <f64>columns.fraction[x];
      const bottom = <f64>levels[below + low] + (<f64>levels[below + high] - <f64>levels[below + low]) * <f64>columns.fraction[x];
      values[y * width + x] = <f32>(top + (bottom - top) * down);
    }
  }
  return new Raster(width, height, values);
}

function interpolation(count: i32, scale: f64, start: i32, length: i32): Interpolation {
  const low = new Int32Array(length);
  const high = new Int32Array(length);
  const fraction = new Float32Array(length);
  for (let k = 0; k < length; k++) {
    const position = (<f64>(start + k) + 0.5) / scale - 0.5;
    low[k] = <i32>Math.min(<f64>(count - 1), Math.max(0, Math.floor(position)));
    high[k] = min(count - 1, low[k] + 1);
    fraction[k] = <f32>Math.min(1, Math.max(0, position - <f64>low[k]));
  }
  return new Interpolation(low, high, fraction);
}

// Area averaging both ways: see scaleToLongerSide in resample.ts.
export function scaleToLongerSide(image: Raster, side: i32): Raster {
  if (side <= max(image.width, image.height)) return shrink(image, side);
  const scale = <f64>side / <f64>max(image.width, image.height);
  const width = max(1, <i32>Math.round(<f64>image.width * scale));
  const height = max(1, <i32>Math.round(<f64>image.height * scale));
  return transpose(averageAlongRows(transpose(averageAlongRows(image, width)), height));
}

function averageAlongRows(image: Raster, targetWidth: i32): Raster {
  const width = image.width;
  const height = image.height;
  const values = image.values;
  const span = <f64>width / <f64>targetWidth;
  const out = new Float32Array(targetWidth * height);
  for (let target = 0; target < targetWidth; target++) {
    const start = <f64>target * span;
    const end = start + span;
    for (let source = <i32>Math.floor(start); source < min(width, <i32>Math.ceil(end)); source++) {
      const weight = (Math.min(end, <f64>(source + 1)) - Math.max(start, <f64>source)) / span;
      for (let y = 0; y < height; y++) out[y * targetWidth + target] = <f32>(<f64>out[y * targetWidth + target] + weight * <f64>values[y * width + source]);
    }
  }
  return new Raster(targetWidth, height, out);
}
