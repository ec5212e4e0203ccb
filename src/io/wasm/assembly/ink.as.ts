// Finding the ink in a picture, ported from ../../ink.ts: the search on a copy shrunk to
// SEARCH_SIDE, the cut from the full picture. Returns the ink cropped, bright on black.

import { PaperModel, Paper, depthBelowPaper, modelPaper } from './paper.as';
import { mainPieces } from './pieces.as';
import { Raster, RgbaImage, boxBlur, gather, median } from './raster.as';
import { Region, ShrunkImage, shrink, shrinkRgba, upsample, weightedGrey } from './resample.as';
import { RuledLines, findRuledLines, withoutLines } from './ruled.as';

const MINIMUM_CONTRAST = 0.12;
const SEARCH_SIDE = 320;
const COARSE_SIDE = 80;

// How a pixel's colour becomes ink, learned on the shrunk copy and applied at full size.
class Reading {
  constructor(public backdrop: f64, public inverted: bool, public paper: Paper, public lines: Array<RuledLines>) {}
}

export class FoundInk {
  constructor(public ink: Raster | null, public inverted: bool) {}
}

class Surroundings {
  constructor(public near: Uint8Array, public left: i32, public top: i32, public right: i32, public bottom: i32) {}
}

/** The ink cropped to its pieces that matter (null when none stands out), and its polarity. */
export function findInk(image: RgbaImage): FoundInk {
  const shrunk = shrinkRgba(image, SEARCH_SIDE);
  const width = shrunk.width;
  const height = shrunk.height;
  const border = borderIndices(width, height);
  const backdrop = backdropLevel(shrunk, border);
  const signal = new Raster(width, height, new Float32Array(width * height));
  for (let i = 0; i < signal.values.length; i++) signal.values[i] = <f32>(<f64>shrunk.luminance[i] + (1 - <f64>shrunk.alpha[i]) * backdrop);
  const coarse = max(width, height) > COARSE_SIDE ? shrink(signal, COARSE_SIDE) : boxBlur(signal);
  const inverted = inkIsDark(median(gather(signal.values, border)), coarse.values);
  if (inverted) {
    for (let i = 0; i < signal.values.length; i++) signal.values[i] = <f32>(1 - <f64>signal.values[i]);
    for (let i = 0; i < coarse.values.length; i++) coarse.values[i] = <f32>(1 - <f64>coarse.values[i]);
  }
  const model: PaperModel = modelPaper(signal, coarse, inverted);
  const paper = model.paper;
  const depths = model.depths;
  const peak = blurredPeak(depths, null);
  if (peak < Math.max(MINIMUM_CONTRAST, 5 * paper.noise)) return new FoundInk(null, inverted);
  const lines = findRuledLines(depths, peak, paper.noise);
  if (lines.length > 0) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) depths.values[y * width + x] = <f32>withoutLines(lines, <f64>depths.values[y * width + x], <f64>x, <f64>y);
    }
  }
  const levels = inkLevels(depths.values, peak, paper.noise);
  const kept = mainPieces(new Raster(width, height, levels));
  if (!kept) return new FoundInk(null, inverted);
  if (shrunk.span[0] == 1 && shrunk.span[1] == 1) return new FoundInk(tightCrop(new Raster(width, height, levels), kept), inverted);
  return new FoundInk(cutFromFullImage(image, shrunk, new Reading(backdrop, inverted, paper, lines), kept), inverted);
}

// Drops what noise could explain and stretches the rest to [0,1].
function inkLevels(depths: Float32Array, peak: f64, noise: f64): Float32Array {
  const threshold = Math.min(Math.max(0.2 * peak, 3 * noise), 0.5 * peak);
  const levels = new Float32Array(depths.length);
  for (let i = 0; i < depths.length; i++) {
    const depth = <f64>depths[i];
    levels[i] = depth <= threshold ? 0 : <f32>Math.min(1, (depth - threshold) / (peak - threshold));
  }
  return levels;
}

// The strongest ink, from a 3x3 mean; only where `mask` is set, when there is one.
function blurredPeak(raster: Raster, mask: Uint8Array | null): f64 {
  const width = raster.width;
  const height = raster.height;
  const values = raster.values;
  const across = new Float32Array(values.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      across[i] = <f32>(
        Math.max(0, <f64>values[i]) + (x > 0 ? Math.max(0, <f64>values[i - 1]) : 0) + (x + 1 < width ? Math.max(0, <f64>values[i + 1]) : 0)
      );
    }
  }
  let peak: f64 = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (mask && !mask[i]) continue;
      peak = Math.max(peak, <f64>across[i] + (y > 0 ? <f64>across[i - width] : 0) + (y + 1 < height ? <f64>across[i + width] : 0));
    }
  }
  return peak / 9;
}

// The full picture's pixels over the kept pieces' box; see cutFromFullImage in ink.ts.
function cutFromFullImage(image: RgbaImage, shrunk: ShrunkImage, reading: Reading, kept: Uint8Array): Raster | null {
  const width = shrunk.width;
  const span = shrunk.span;
  const around = surroundings(kept, width, shrunk.height);
  const near = around.near;
  const regionLeft = <i32>Math.max(0, Math.floor(<f64>(around.left - 1) * span[0]));
  const regionTop = <i32>Math.max(0, Math.floor(<f64>(around.top - 1) * span[1]));
  const region = new Region(
    regionLeft,
    regionTop,
    <i32>Math.min(<f64>image.width, Math.ceil(<f64>(around.right + 2) * span[0])) - regionLeft,
    <i32>Math.min(<f64>image.height, Math.ceil(<f64>(around.bottom + 2) * span[1])) - regionTop,
  );
  const backdrop = reading.backdrop;
  const inverted = reading.inverted;
  const paper = reading.paper;
  const lines = reading.lines;
  const data = image.data;
  const surface = upsample(paper.surface, span, region).values;
  const depths = new Float32Array(region.width * region.height);
  const inside = new Uint8Array(depths.length);
  for (let y = 0; y < region.height; y++) {
    const row = <i32>Math.min(<f64>(shrunk.height - 1), Math.floor(<f64>(region.top + y) / span[1])) * width;
    for (let x = 0; x < region.width; x++) {
      const index = y * region.width + x;
      const i = 4 * ((region.top + y) * image.width + region.left + x);
      const opacity = <f64>data[i + 3] / 255;
      const grey = (opacity * weightedGrey(data, i)) / 255 + (1 - opacity) * backdrop;
      const depth = depthBelowPaper(paper, inverted ? 1 - grey : grey, <f64>surface[index]);
      depths[index] = <f32>(
        lines.length > 0 ? withoutLines(lines, depth, (<f64>(region.left + x) + 0.5) / span[0] - 0.5, (<f64>(region.top + y) + 0.5) / span[1] - 0.5) : depth
      );
      inside[index] = near[row + <i32>Math.min(<f64>(width - 1), Math.floor(<f64>(region.left + x) / span[0]))];
    }
  }
  const box = new Raster(region.width, region.height, depths);
  const levels = inkLevels(depths, blurredPeak(box, inside), paper.noise * Math.sqrt(span[0] * span[1]));
  return tightCrop(new Raster(box.width, box.height, levels), inside);
}

// The kept pixels grown by one pixel each way, and the kept pixels' bounds.
function surroundings(kept: Uint8Array, width: i32, height: i32): Surroundings {
  const near = new Uint8Array(kept.length);
  let left = width;
  let top = height;
  let right = -1;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!kept[y * width + x]) continue;
      left = min(left, x);
      right = max(right, x);
      top = min(top, y);
      bottom = max(bottom, y);
      for (let row = max(0, y - 1); row <= min(height - 1, y + 1); row++) near.fill(1, row * width + max(0, x - 1), row * width + min(width, x + 2));
    }
  }
  return new Surroundings(near, left, top, right, bottom);
}

// The levels where `mask` is set, cropped to the ink's box; null when there is none.
function tightCrop(raster: Raster, mask: Uint8Array): Raster | null {
  const width = raster.width;
  const height = raster.height;
  const values = raster.values;
  let left = width;
  let top = height;
  let right = -1;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (values[y * width + x] == 0 || !mask[y * width + x]) continue;
      left = min(left, x);
      right = max(right, x);
      top = min(top, y);
      bottom = max(bottom, y);
    }
  }
  if (right < 0) return null;
  const crop = new Raster(right - left + 1, bottom - top + 1, new Float32Array((right - left + 1) * (bottom - top + 1)));
  for (let y = top; y <= bottom; y++) {
    for (let x = left; x <= right; x++) if (mask[y * width + x]) crop.values[(y - top) * crop.width + x - left] = values[y * width + x];
  }
  return crop;
}

// The outer 4% of the image, as indices in reading order.
function borderIndices(width: i32, height: i32): Int32Array {
  const band = max(1, <i32>Math.round(<f64>min(width, height) * 0.04));
  const indices = new Int32Array(width * height);
  let count = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Between the top and bottom bands, skip from the left band to the right one.
      if (y >= band && y < height - band && x == band) x = max(x, width - band);
      if (x < width) indices[count++] = y * width + x;
    }
  }
  return indices.subarray(0, count);
}

// The level transparency is composited over; see backdropLevel in ink.ts.
function backdropLevel(shrunk: ShrunkImage, border: Int32Array): f64 {
  const luminance = shrunk.luminance;
  const alpha = shrunk.alpha;
  const opaqueBorder = new Int32Array(border.length);
  let opaqueCount = 0;
  for (let k = 0; k < border.length; k++) if (<f64>alpha[border[k]] >= 0.5) opaqueBorder[opaqueCount++] = border[k];
  if (opaqueCount * 2 >= border.length) {
    const levels = new Float32Array(opaqueCount);
    for (let k = 0; k < opaqueCount; k++) levels[k] = <f32>(<f64>luminance[opaqueBorder[k]] / <f64>alpha[opaqueBorder[k]]);
    return median(levels);
  }
  let level: f64 = 0;
  let opacity: f64 = 0;
  for (let i = 0; i < alpha.length; i++) {
    level += <f64>luminance[i];
    opacity += <f64>alpha[i];
  }
  return opacity > 0 && level / opacity >= 0.5 ? 0 : 1;
}

// Ink is what departs furthest from the border's level.
function inkIsDark(background: f64, smooth: Float32Array): bool {
  let darkest: f64 = 1;
  let lightest: f64 = 0;
  for (let i = 0; i < smooth.length; i++) {
    darkest = Math.min(darkest, <f64>smooth[i]);
    lightest = Math.max(lightest, <f64>smooth[i]);
  }
  return background - darkest > lightest - background;
}
