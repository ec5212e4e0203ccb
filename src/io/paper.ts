// The paper under the ink: its level at every pixel, so uneven light and shadows can be taken away,
// and how much it varies by itself (grain, JPEG noise), so that no noise is taken for ink.

import { extremeFilter, median, type Raster } from './raster.js';
import { upsample } from './resample.js';

export interface Paper {
  surface: Raster; // the paper's level, where ink is bright, at the signal's size
  onPaper: boolean; // dark ink on light paper: depths are relative to the paper's brightness
  centre: number; // the typical depth of bare paper below its surface
  noise: number; // robust standard deviation of those depths
}

// The square that the surface is fitted under, as a fraction of the longer side: wider than the
// broadest brush stroke, narrow enough to follow a shadow's corner.
const WINDOW = 0.3;
const STATISTICS_SAMPLE = 2048;

// A grey-level opening (the largest minimum over any window containing the pixel) lies below every
// stroke narrower than the window, and follows the paper exactly elsewhere, even across a
// shadow's sharp edge. An erosion alone would let the lit side reach into the shadow by the
// window's half width, leaving a band along the edge that looks like ink. It runs on `coarse`, a
// smaller or blurred copy of `signal`: the light varies slowly, and smoothing keeps single grainy
// pixels from setting the minimum. Returns the paper and every pixel's depth below it.
export function modelPaper(signal: Raster, coarse: Raster, onPaper: boolean): { paper: Paper; depths: Raster } {
  const { width, height } = signal;
  const radius = Math.max(2, Math.round((WINDOW * Math.max(coarse.width, coarse.height)) / 2));
  const opened = extremeFilter(extremeFilter(coarse, radius, 'min'), radius, 'max');
  const surface = upsample(opened, [width / coarse.width, height / coarse.height], { left: 0, top: 0, width, height });
  const paper: Paper = { surface, onPaper, centre: 0, noise: 0 };
  const depths = new Float32Array(width * height);
  for (let i = 0; i < depths.length; i++) depths[i] = depthBelowPaper(paper, signal.values[i], surface.values[i]);
  // Every few pixels give the same statistics as all of them, for less work.
  const stride = Math.max(1, Math.floor(depths.length / STATISTICS_SAMPLE));
  const sample = new Float32Array(Math.ceil(depths.length / stride));
  for (let k = 0; k < sample.length; k++) sample[k] = depths[k * stride];
  paper.centre = median(sample);
  for (let k = 0; k < sample.length; k++) sample[k] = Math.abs(sample[k] - paper.centre);
  paper.noise = 1.4826 * median(sample);
  for (let i = 0; i < depths.length; i++) depths[i] -= paper.centre;
  return { paper, depths: { width, height, values: depths } };
}

// On paper, light scales ink and paper alike, so the ink's depth is divided by the paper's local
// brightness: a stroke in the shadow then counts as much as one in the light (floored, so a dark
// table at the photo's edge does not blow up its noise).
export function depthBelowPaper(paper: Paper, level: number, surfaceLevel: number): number {
  return (level - surfaceLevel) / (paper.onPaper ? Math.max(0.25, 1 - surfaceLevel) : 1) - paper.centre;
}
