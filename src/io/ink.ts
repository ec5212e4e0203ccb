// Finds the ink in a picture of a digit, whatever it was drawn on: composites transparency, decides
// which way round the ink is, removes the paper (uneven light, shadows, grain, ruled lines) and
// drops specks and the edges of whatever lies beside the paper. The search runs on a copy shrunk
// to SEARCH_SIDE, where it is fast and noise has averaged out; the digit is then cut from the full
// picture, so a small digit in a big photo keeps its detail. Returns the ink cropped, bright on black.

import { depthBelowPaper, modelPaper, type Paper } from './paper.js';
import { mainPieces } from './pieces.js';
import { boxBlur, gather, median, type Raster, type RgbaImage } from './raster.js';
import { shrink, shrinkRgba, upsample, type ShrunkImage } from './resample.js';
import { findRuledLines, withoutLines, type RuledLines } from './ruled.js';

// Below this contrast (on the 0..1 scale) nothing is treated as ink, however clean the image.
const MINIMUM_CONTRAST = 0.12;
// A digit that fills a tenth of the photo still spans 32 pixels here, strokes and loops intact.
const SEARCH_SIDE = 320;
// The paper's surface and the ink's polarity come from a copy this size: light varies slowly, and
// averaging quiets grain.
const COARSE_SIDE = 80;

// How a pixel's colour becomes ink, learned on the shrunk copy and applied at full size.
interface Reading {
  backdrop: number; // the level transparency is composited over
  inverted: boolean; // dark ink on light paper
  paper: Paper; // in the shrunk copy's pixels
  lines: RuledLines[];
}

/** The ink cropped to its pieces that matter (null when none stands out), and its polarity. */
export function findInk(image: RgbaImage): { ink: Raster | null; inverted: boolean } {
  const shrunk = shrinkRgba(image, SEARCH_SIDE);
  const { width, height } = shrunk;
  const border = borderIndices(width, height);
  const backdrop = backdropLevel(shrunk, border);
  const signal: Raster = { width, height, values: new Float32Array(width * height) };
  for (let i = 0; i < signal.values.length; i++) signal.values[i] = shrunk.luminance[i] + (1 - shrunk.alpha[i]) * backdrop;
  const coarse = Math.max(width, height) > COARSE_SIDE ? shrink(signal, COARSE_SIDE) : boxBlur(signal);
  const inverted = inkIsDark(median(gather(signal.values, border)), coarse.values);
  if (inverted) {
    for (let i = 0; i < signal.values.length; i++) signal.values[i] = 1 - signal.values[i];
    for (let i = 0; i < coarse.values.length; i++) coarse.values[i] = 1 - coarse.values[i];
  }
  const { paper, depths } = modelPaper(signal, coarse, inverted);
  const peak = blurredPeak(depths, null);
  if (peak < Math.max(MINIMUM_CONTRAST, 5 * paper.noise)) return { ink: null, inverted };
  const lines = findRuledLines(depths, peak, paper.noise);
  if (lines.length > 0) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) depths.values[y * width + x] = withoutLines(lines, depths.values[y * width + x], x, y);
    }
  }
  const levels = inkLevels(depths.values, peak, paper.noise);
  const kept = mainPieces({ width, height, values: levels });
  if (!kept) return { ink: null, inverted };
  if (shrunk.span[0] === 1 && shrunk.span[1] === 1) return { ink: tightCrop({ width, height, values: levels }, kept), inverted };
  return { ink: cutFromFullImage(image, shrunk, { backdrop, inverted, paper, lines }, kept), inverted };
}

// Drops what noise could explain (and what is far fainter than the strongest ink) and stretches
// the rest to [0,1].
function inkLevels(depths: Float32Array, peak: number, noise: number): Float32Array {
  const threshold = Math.min(Math.max(0.2 * peak, 3 * noise), 0.5 * peak);
  const levels = new Float32Array(depths.length);
  for (let i = 0; i < depths.length; i++) levels[i] = depths[i] <= threshold ? 0 : Math.min(1, (depths[i] - threshold) / (peak - threshold));
  return levels;
}

// The strongest ink, from a 3x3 mean so that no single noisy pixel sets it; only where `mask` is
// set, when there is one.
function blurredPeak({ width, height, values }: Raster, mask: Uint8Array | null): number {
  const across = new Float32Array(values.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      across[i] = Math.max(0, values[i]) + (x > 0 ? Math.max(0, values[i - 1]) : 0) + (x + 1 < width ? Math.max(0, values[i + 1]) : 0);
    }
  }
  let peak = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (mask && !mask[i]) continue;
      peak = Math.max(peak, across[i] + (y > 0 ? across[i - width] : 0) + (y + 1 < height ? across[i + width] : 0));
    }
  }
  return peak / 9;
}

// Reads the full picture's pixels over the kept pieces' box, keeping only ink within a shrunk
// pixel of them, so a speck or shadow dropped on the shrunk copy stays out. The peak is found
// anew (averaging dimmed thin strokes), and the noise is what averaging span x span pixels of
// independent grain had hidden.
function cutFromFullImage(image: RgbaImage, shrunk: ShrunkImage, reading: Reading, kept: Uint8Array): Raster | null {
  const { width, span } = shrunk;
  const { near, left, top, right, bottom } = surroundings(kept, width, shrunk.height);
  const region = { left: Math.max(0, Math.floor((left - 1) * span[0])), top: Math.max(0, Math.floor((top - 1) * span[1])), width: 0, height: 0 };
  region.width = Math.min(image.width, Math.ceil((right + 2) * span[0])) - region.left;
  region.height = Math.min(image.height, Math.ceil((bottom + 2) * span[1])) - region.top;
  const { backdrop, inverted, paper, lines } = reading;
  const surface = upsample(paper.surface, span, region).values;
  const depths = new Float32Array(region.width * region.height);
  const inside = new Uint8Array(depths.length);
  for (let y = 0; y < region.height; y++) {
    const row = Math.min(shrunk.height - 1, Math.floor((region.top + y) / span[1])) * width;
    for (let x = 0; x < region.width; x++) {
      const index = y * region.width + x;
      const i = 4 * ((region.top + y) * image.width + region.left + x);
      const opacity = image.data[i + 3] / 255;
      const grey = (opacity * (0.299 * image.data[i] + 0.587 * image.data[i + 1] + 0.114 * image.data[i + 2])) / 255 + (1 - opacity) * backdrop;
      const depth = depthBelowPaper(paper, inverted ? 1 - grey : grey, surface[index]);
      depths[index] = lines.length > 0 ? withoutLines(lines, depth, (region.left + x + 0.5) / span[0] - 0.5, (region.top + y + 0.5) / span[1] - 0.5) : depth;
      inside[index] = near[row + Math.min(width - 1, Math.floor((region.left + x) / span[0]))];
    }
  }
  const box: Raster = { width: region.width, height: region.height, values: depths };
  const levels = inkLevels(depths, blurredPeak(box, inside), paper.noise * Math.sqrt(span[0] * span[1]));
  return tightCrop({ ...box, values: levels }, inside);
}

// The kept pixels grown by one pixel each way, and the kept pixels' bounds.
function surroundings(kept: Uint8Array, width: number, height: number): { near: Uint8Array; left: number; top: number; right: number; bottom: number } {
  const near = new Uint8Array(kept.length);
  let [left, top, right, bottom] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!kept[y * width + x]) continue;
      left = Math.min(left, x);
      right = Math.max(right, x);
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
      for (let row = Math.max(0, y - 1); row <= Math.min(height - 1, y + 1); row++) near.fill(1, row * width + Math.max(0, x - 1), row * width + Math.min(width, x + 2));
    }
  }
  return { near, left, top, right, bottom };
}

// The levels where `mask` is set, cropped to the ink's box; null when there is none.
function tightCrop({ width, height, values }: Raster, mask: Uint8Array): Raster | null {
  let [left, top, right, bottom] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (values[y * width + x] === 0 || !mask[y * width + x]) continue;
      left = Math.min(left, x);
      right = Math.max(right, x);
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
    }
  }
  if (right < 0) return null;
  const crop: Raster = { width: right - left + 1, height: bottom - top + 1, values: new Float32Array((right - left + 1) * (bottom - top + 1)) };
  for (let y = top; y <= bottom; y++) {
    for (let x = left; x <= right; x++) if (mask[y * width + x]) crop.values[(y - top) * crop.width + x - left] = values[y * width + x];
  }
  return crop;
}

// The outer 4% of the image: what is there is the background, even when a stroke touches it.
function borderIndices(width: number, height: number): number[] {
  const band = Math.max(1, Math.round(Math.min(width, height) * 0.04));
  const indices: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Between the top and bottom bands, skip from the left band to the right one.
      if (y >= band && y < height - band && x === band) x = Math.max(x, width - band);
      if (x < width) indices.push(y * width + x);
    }
  }
  return indices;
}

// The level transparency is composited over. When the border is mostly transparent the picture is
// ink on a transparent canvas: its alpha is the ink, whatever colour the viewer shows behind it, so
// we composite over the level that contrasts most with the opaque pixels (white behind dark ink,
// black behind light ink); ink then counts as alpha x contrast. Otherwise, the border's own level.
function backdropLevel({ luminance, alpha }: ShrunkImage, border: number[]): number {
  const opaqueBorder = border.filter((index) => alpha[index] >= 0.5);
  if (opaqueBorder.length * 2 >= border.length) return median(Float32Array.from(opaqueBorder, (index) => luminance[index] / alpha[index]));
  let [level, opacity] = [0, 0];
  for (let i = 0; i < alpha.length; i++) {
    level += luminance[i];
    opacity += alpha[i];
  }
  return opacity > 0 && level / opacity >= 0.5 ? 0 : 1;
}

// Ink is what departs furthest from the border's level. Comparing depths rather than asking
// "is the border light?" also handles grey paper in a dim photo; the smoothed copy keeps single
// noisy pixels from deciding.
function inkIsDark(background: number, smooth: Float32Array): boolean {
  let darkest = 1;
  let lightest = 0;
  for (let i = 0; i < smooth.length; i++) {
    darkest = Math.min(darkest, smooth[i]);
    lightest = Math.max(lightest, smooth[i]);
  }
  return background - darkest > lightest - background;
}
