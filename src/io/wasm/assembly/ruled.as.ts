// Ruled paper's lines, ported from ../../ruled.ts: found by their tilt and taken out of every pixel
// on them. Cosines, sines and tangents come from the host's Math (JSMath), so they are the very
// doubles the TypeScript computes and every bin falls where its bins do.

import { Raster, median, select } from './raster.as';

export class RuledLines {
  constructor(
    public down: bool, // the lines run down the picture rather than across it
    public cos: f64, // of the lines' tilt
    public sin: f64,
    public origin: f64, // the position across the lines where bin 0 starts
    public levels: Float32Array, // the depth of the line through each one-pixel bin across the lines
  ) {}
}

const MAX_TILT: f64 = 6;
const SPAN = 0.6;
const FAINTER = 0.75;
const SAMPLE = 1000;

// The TypeScript's three growing arrays, here filled to `count`.
class Points {
  constructor(public xs: Int32Array, public ys: Int32Array, public weights: Float64Array, public count: i32) {}
}

/** The lines across and down `depths` (depth below the paper, ink positive); none on plain paper. */
export function findRuledLines(depths: Raster, peak: f64, noise: f64): Array<RuledLines> {
  const width = depths.width;
  const height = depths.height;
  const values = depths.values;
  const floor = Math.max(3 * noise, 0.02);
  const xs = new Int32Array(values.length);
  const ys = new Int32Array(values.length);
  const weights = new Float64Array(values.length);
  let count = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const depth = <f64>values[y * width + x];
      if (depth <= floor || depth >= FAINTER * peak) continue;
      xs[count] = x;
      ys[count] = y;
      weights[count++] = depth;
    }
  }
  const dark = new Points(xs.subarray(0, count), ys.subarray(0, count), weights.subarray(0, count), count);
  const families = new Array<RuledLines>();
  for (let downward = 0; downward < 2; downward++) {
    const family = findFamily(depths, downward == 1, dark, peak, floor);
    if (family) families.push(family);
  }
  return families;
}

/** `depth` at (x, y) with the lines through it taken out; see withoutLines in ruled.ts. */
export function withoutLines(families: Array<RuledLines>, depth: f64, x: f64, y: f64): f64 {
  for (let f = 0; f < families.length; f++) {
    const family = families[f];
    const cos = family.cos;
    const sin = family.sin;
    const levels = family.levels;
    const bin = <i32>Math.floor(family.down ? x * cos - y * sin - family.origin : y * cos - x * sin - family.origin);
    let level: f64 = 0;
    for (let k = max(0, bin - 1); k <= min(levels.length - 1, bin + 1); k++) level = Math.max(level, <f64>levels[k]);
    if (level > 0) depth = (depth - level) / (1 - level);
  }
  return depth;
}

// The lines across (or down) `depths`, or null; see findFamily in ruled.ts.
function findFamily(depths: Raster, down: bool, dark: Points, peak: f64, floor: f64): RuledLines | null {
  const along = down ? dark.ys : dark.xs;
  const across = down ? dark.xs : dark.ys;
  const length = down ? depths.height : depths.width;
  const breadth = down ? depths.width : depths.height;
  const band = <i32>Math.ceil(<f64>length * JSMath.tan(((MAX_TILT + 1) * Math.PI) / 180)) + 2;
  const perRow = new Int32Array(breadth + band);
  for (let k = 0; k < across.length; k++) perRow[across[k]]++;
  let inBand = 0;
  let most = 0;
  for (let row = 0; row < perRow.length; row++) {
    inBand += perRow[row] - (row >= band ? perRow[row - band] : 0);
    most = max(most, inBand);
  }
  if (<f64>most < SPAN * <f64>length) return null;
  const extent = depths.width + depths.height;
  const tilt = (bestTilt(along, across, dark.weights, extent) * Math.PI) / 180;
  const cos = JSMath.cos(tilt);
  const sin = JSMath.sin(tilt);
  const counts = new Int32Array(2 * extent);
  for (let k = 0; k < along.length; k++) counts[<i32>Math.floor(<f64>across[k] * cos - <f64>along[k] * sin) + extent]++;
  let anyFull = false;
  for (let bin = 0; bin < counts.length && !anyFull; bin++) anyFull = <f64>counts[bin] >= SPAN * <f64>length;
  if (!anyFull) return null;
  return measureLines(depths, down, cos, sin, peak, floor);
}

// How sharply the dark pixels, projected across lines tilted by `degrees`, pile up.
function sharpness(degrees: f64, along: Int32Array, across: Int32Array, weights: Float64Array, stride: i32, extent: i32, histogram: Float32Array): f64 {
  const cos = JSMath.cos((degrees * Math.PI) / 180);
  const sin = JSMath.sin((degrees * Math.PI) / 180);
  histogram.fill(0);
  for (let k = 0; k < along.length; k += stride) {
    const bin = <i32>Math.floor(<f64>across[k] * cos - <f64>along[k] * sin) + extent;
    histogram[bin] = <f32>(<f64>histogram[bin] + weights[k]);
  }
  let sum: f64 = 0;
  for (let bin = 0; bin < histogram.length; bin++) sum += <f64>histogram[bin] * <f64>histogram[bin];
  return sum;
}

// The tilt in degrees: 1 degree steps, then quarter degrees around the best.
function bestTilt(along: Int32Array, across: Int32Array, weights: Float64Array, extent: i32): f64 {
  const stride = max(1, along.length / SAMPLE);
  const histogram = new Float32Array(2 * extent);
  let best: f64 = 0;
  let bestSharpness = sharpness(0, along, across, weights, stride, extent, histogram);
  const steps: StaticArray<f64> = [1, 0.25];
  const reaches: StaticArray<f64> = [MAX_TILT, 0.75];
  for (let pass = 0; pass < 2; pass++) {
    const step = steps[pass];
    const reach = reaches[pass];
    const centre = best;
    for (let degrees = centre - reach; degrees <= centre + reach + 1e-9; degrees += step) {
      const candidate = sharpness(degrees, along, across, weights, stride, extent, histogram);
      if (candidate > bestSharpness) {
        best = degrees;
        bestSharpness = candidate;
      }
    }
  }
  return best;
}

// The lowest median depth of bins from..to, or Infinity when that reaches past either end.
function beside(typical: Float32Array, bins: i32, from: i32, to: i32): f64 {
  let lowest: f64 = Infinity;
  for (let bin = max(0, from); bin <= min(bins - 1, to); bin++) lowest = Math.min(lowest, <f64>typical[bin]);
  return from < 0 || to >= bins ? Infinity : lowest;
}

// Each bin's line depth, runs fainter than ink kept; see measureLines in ruled.ts. Null when none.
function measureLines(depths: Raster, down: bool, cos: f64, sin: f64, peak: f64, floor: f64): RuledLines | null {
  const width = depths.width;
  const height = depths.height;
  const values = depths.values;
  const length = down ? height : width;
  const breadth = down ? width : height;
  const origin = Math.min(0, -<f64>(length - 1) * sin);
  const bins = <i32>Math.ceil(<f64>breadth * cos + <f64>length * Math.abs(sin)) + 2;
  const binOf = new Int32Array(values.length);
  const starts = new Int32Array(bins + 1);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bin = <i32>Math.floor(down ? <f64>x * cos - <f64>y * sin - origin : <f64>y * cos - <f64>x * sin - origin);
      binOf[y * width + x] = bin;
      starts[bin + 1]++;
    }
  }
  for (let bin = 0; bin < bins; bin++) starts[bin + 1] += starts[bin];
  const grouped = new Float32Array(values.length);
  const filled = starts.slice(0, bins);
  for (let i = 0; i < values.length; i++) grouped[filled[binOf[i]]++] = values[i];
  const typical = new Float32Array(bins).fill(Infinity);
  const reached = new Float32Array(bins).fill(Infinity);
  for (let bin = 0; bin < bins; bin++) {
    const pixels = grouped.subarray(starts[bin], starts[bin + 1]);
    if (<f64>pixels.length < SPAN * <f64>length) continue;
    typical[bin] = <f32>median(pixels);
    reached[bin] = <f32>select(pixels, <i32>Math.floor((1 - SPAN) * <f64>pixels.length));
  }
  const levels = new Float32Array(bins);
  for (let bin = 0; bin < bins; bin++) {
    const paper = Math.max(beside(typical, bins, bin - 5, bin - 3), beside(typical, bins, bin + 3, bin + 5));
    if (<f64>reached[bin] < Infinity && <f64>reached[bin] - paper > floor) levels[bin] = <f32>(<f64>typical[bin] - paper);
  }
  let found = false;
  for (let start = 0; start < bins; start++) {
    if (levels[start] == 0) continue;
    let end = start;
    let deepest: f64 = 0;
    while (end < bins && levels[end] > 0) deepest = Math.max(deepest, <f64>levels[end++]);
    const line = deepest < FAINTER * peak;
    if (!line) levels.fill(0, start, end);
    found = found || line;
    start = end;
  }
  return found ? new RuledLines(down, cos, sin, origin, levels) : null;
}
