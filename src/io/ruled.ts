// Ruled paper: faint straight lines across the sheet, and a margin line down it. A digit written on
// them touches them, so they cannot be dropped as separate pieces. Instead each line's depth is
// measured along its whole length, where the digit is only a small part, and taken out of every
// pixel on it, much as the paper's surface is.

import { median, select, type Raster } from './raster.js';

export interface RuledLines {
  down: boolean; // the lines run down the picture rather than across it
  cos: number; // of the lines' tilt
  sin: number;
  origin: number; // the position across the lines where bin 0 starts
  levels: Float32Array; // the depth of the line through each one-pixel bin across the lines, 0 off lines
}

// A phone held by hand tilts the page by a few degrees.
const MAX_TILT = 6;
// A line runs through the whole picture: at least this share of its bin is at its depth, even where
// a digit covers a third of it. A digit's stroke lined up with the rules is as dark as ink.
const SPAN = 0.6;
// Ruled lines are printed faint, so a run of bins as deep as this share of the strongest ink is a
// stroke lined up with the rules, not a rule. (A red margin is about two thirds as deep as pencil.)
const FAINTER = 0.75;
// The tilt is found from at most this many dark pixels: plenty to show a line, and quick.
const SAMPLE = 1000;

interface Points {
  xs: number[];
  ys: number[];
  weights: number[];
}

/** The lines across and down `depths` (depth below the paper, ink positive); none on plain paper. */
export function findRuledLines(depths: Raster, peak: number, noise: number): RuledLines[] {
  const { width, height, values } = depths;
  const floor = Math.max(3 * noise, 0.02);
  // Only what could be a line votes: darker than the floor, fainter than ink.
  const dark: Points = { xs: [], ys: [], weights: [] };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const depth = values[y * width + x];
      if (depth <= floor || depth >= FAINTER * peak) continue;
      dark.xs.push(x);
      dark.ys.push(y);
      dark.weights.push(depth);
    }
  }
  const families: RuledLines[] = [];
  for (const down of [false, true]) {
    const family = findFamily(depths, down, dark, peak, floor);
    if (family) families.push(family);
  }
  return families;
}

/** `depth` at (x, y) with the lines through it taken out; (x, y) in `depths`' pixels, fractional for a finer grid. */
export function withoutLines(families: RuledLines[], depth: number, x: number, y: number): number {
  for (let f = 0; f < families.length; f++) {
    const { down, cos, sin, origin, levels } = families[f];
    const bin = Math.floor(down ? x * cos - y * sin - origin : y * cos - x * sin - origin);
    let level = 0;
    for (let k = Math.max(0, bin - 1); k <= Math.min(levels.length - 1, bin + 1); k++) level = Math.max(level, levels[k]);
    // A line darkens what lies on it by its own factor, as light does: divide it out. Its
    // neighbouring bins count too, since a line seldom falls on one bin exactly.
    if (level > 0) depth = (depth - level) / (1 - level);
  }
  return depth;
}

// The lines across (or down) `depths`, or null. Across the picture, a pixel's position along a
// line is its x and its position across the lines is its y; down it, the other way round.
function findFamily(depths: Raster, down: boolean, dark: Points, peak: number, floor: number): RuledLines | null {
  const [along, across] = down ? [dark.ys, dark.xs] : [dark.xs, dark.ys];
  const [length, breadth] = down ? [depths.height, depths.width] : [depths.width, depths.height];
  // Most of a line's bin is dark, and however it tilts a line stays within a band of `band`
  // rows; without that many dark pixels in some band there is no line. Counting is cheaper than
  // searching for the tilt.
  const band = Math.ceil(length * Math.tan(((MAX_TILT + 1) * Math.PI) / 180)) + 2;
  const perRow = new Int32Array(breadth + band);
  for (let k = 0; k < across.length; k++) perRow[across[k]]++;
  let [inBand, most] = [0, 0];
  for (let row = 0; row < perRow.length; row++) {
    inBand += perRow[row] - (row >= band ? perRow[row - band] : 0);
    most = Math.max(most, inBand);
  }
  if (most < SPAN * length) return null;
  // Projections across the lines lie within ±extent.
  const extent = depths.width + depths.height;
  const tilt = (bestTilt(along, across, dark.weights, extent) * Math.PI) / 180;
  const [cos, sin] = [Math.cos(tilt), Math.sin(tilt)];
  const counts = new Int32Array(2 * extent);
  for (let k = 0; k < along.length; k++) counts[Math.floor(across[k] * cos - along[k] * sin) + extent]++;
  if (!counts.some((count) => count >= SPAN * length)) return null;
  return measureLines(depths, down, cos, sin, peak, floor);
}

// The tilt (in degrees) at which dark pixels, projected across the lines, pile up in the sharpest
// peaks: 1 degree steps, then quarter degrees around the best.
function bestTilt(along: number[], across: number[], weights: number[], extent: number): number {
  const stride = Math.max(1, Math.floor(along.length / SAMPLE));
  const histogram = new Float32Array(2 * extent);
  const sharpness = (degrees: number): number => {
    const cos = Math.cos((degrees * Math.PI) / 180);
    const sin = Math.sin((degrees * Math.PI) / 180);
    histogram.fill(0);
    for (let k = 0; k < along.length; k += stride) histogram[Math.floor(across[k] * cos - along[k] * sin) + extent] += weights[k];
    let sum = 0;
    for (let bin = 0; bin < histogram.length; bin++) sum += histogram[bin] * histogram[bin];
    return sum;
  };
  let [best, bestSharpness] = [0, sharpness(0)];
  for (const [step, reach] of [[1, MAX_TILT], [0.25, 0.75]]) {
    const centre = best;
    for (let degrees = centre - reach; degrees <= centre + reach + 1e-9; degrees += step) {
      const candidate = sharpness(degrees);
      if (candidate > bestSharpness) [best, bestSharpness] = [degrees, candidate];
    }
  }
  return best;
}

// A bin is on a line when SPAN of its pixels are darker than the paper beside it by more than the
// floor; its level is how much deeper its median is, the line's typical depth (a digit crossing
// it is too small a part to move the median far). Runs of such bins that are fainter than ink are
// lines; the rest stay 0. Null when there are none.
function measureLines({ width, height, values }: Raster, down: boolean, cos: number, sin: number, peak: number, floor: number): RuledLines | null {
  const [length, breadth] = down ? [height, width] : [width, height];
  const origin = Math.min(0, -(length - 1) * sin);
  const bins = Math.ceil(breadth * cos + length * Math.abs(sin)) + 2;
  const binOf = new Int32Array(values.length);
  const starts = new Int32Array(bins + 1);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bin = Math.floor(down ? x * cos - y * sin - origin : y * cos - x * sin - origin);
      binOf[y * width + x] = bin;
      starts[bin + 1]++;
    }
  }
  for (let bin = 0; bin < bins; bin++) starts[bin + 1] += starts[bin];
  const grouped = new Float32Array(values.length);
  const filled = starts.slice(0, bins);
  for (let i = 0; i < values.length; i++) grouped[filled[binOf[i]]++] = values[i];
  // Each full-length bin's median depth, and the depth SPAN of its pixels reach.
  const typical = new Float32Array(bins).fill(Infinity);
  const reached = new Float32Array(bins).fill(Infinity);
  for (let bin = 0; bin < bins; bin++) {
    const pixels = grouped.subarray(starts[bin], starts[bin + 1]);
    if (pixels.length < SPAN * length) continue;
    typical[bin] = median(pixels);
    reached[bin] = select(pixels, Math.floor((1 - SPAN) * pixels.length));
  }
  // A line is a ridge: the paper beside it is the shallower of the bins 3 to 5 away, taken on
  // whichever side is deeper, so that the edge of a shadow, deep on one side only, is no ridge.
  const beside = (from: number, to: number): number => {
    let lowest = Infinity;
    for (let bin = Math.max(0, from); bin <= Math.min(bins - 1, to); bin++) lowest = Math.min(lowest, typical[bin]);
    return from < 0 || to >= bins ? Infinity : lowest;
  };
  const levels = new Float32Array(bins);
  for (let bin = 0; bin < bins; bin++) {
    const paper = Math.max(beside(bin - 5, bin - 3), beside(bin + 3, bin + 5));
    if (reached[bin] < Infinity && reached[bin] - paper > floor) levels[bin] = typical[bin] - paper;
  }
  let found = false;
  for (let start = 0; start < bins; start++) {
    if (levels[start] === 0) continue;
    let [end, deepest] = [start, 0];
    while (end < bins && levels[end] > 0) deepest = Math.max(deepest, levels[end++]);
    const line = deepest < FAINTER * peak;
    if (!line) levels.fill(0, start, end);
    found ||= line;
    start = end;
  }
  return found ? { down, cos, sin, origin, levels } : null;
}
