// The paper under the ink, ported from ../../paper.ts: its level at every pixel (a grey-level
// opening of the coarse copy) and how much it varies by itself.

import { Extreme, Raster, extremeFilter, median } from './raster.as';
import { Region, upsample } from './resample.as';

export class Paper {
  constructor(
    public surface: Raster, // the paper's level, where ink is bright, at the signal's size
    public onPaper: bool, // dark ink on light paper: depths are relative to the paper's brightness
    public centre: f64, // the typical depth of bare paper below its surface
    public noise: f64, // robust standard deviation of those depths
  ) {}
}

export class PaperModel {
  constructor(public paper: Paper, public depths: Raster) {}
}

const WINDOW = 0.3;
const STATISTICS_SAMPLE = 2048;

// See modelPaper in paper.ts for why an opening, and why on the coarse copy.
export function modelPaper(signal: Raster, coarse: Raster, onPaper: bool): PaperModel {
  const width = signal.width;
  const height = signal.height;
  const radius = <i32>Math.max(2, Math.round((WINDOW * <f64>max(coarse.width, coarse.height)) / 2));
  const opened = extremeFilter(extremeFilter(coarse, radius, Extreme.Min), radius, Extreme.Max);
  const scale: StaticArray<f64> = [<f64>width / <f64>coarse.width, <f64>height / <f64>coarse.height];
  const surface = upsample(opened, scale, new Region(0, 0, width, height));
  const paper = new Paper(surface, onPaper, 0, 0);
  const depths = new Float32Array(width * height);
  for (let i = 0; i < depths.length; i++) depths[i] = <f32>depthBelowPaper(paper, <f64>signal.values[i], <f64>surface.values[i]);
  const stride = max(1, depths.length / STATISTICS_SAMPLE);
  const sample = new Float32Array(<i32>Math.ceil(<f64>depths.length / <f64>stride));
  for (let k = 0; k < sample.length; k++) sample[k] = depths[k * stride];
  paper.centre = median(sample);
  for (let k = 0; k < sample.length; k++) sample[k] = <f32>Math.abs(<f64>sample[k] - paper.centre);
  paper.noise = 1.4826 * median(sample);
  for (let i = 0; i < depths.length; i++) depths[i] = <f32>(<f64>depths[i] - paper.centre);
  return new PaperModel(paper, new Raster(width, height, depths));
}

// Divided by the paper's local brightness on paper: see depthBelowPaper in paper.ts.
export function depthBelowPaper(paper: Paper, level: f64, surfaceLevel: f64): f64 {
  return (level - surfaceLevel) / (paper.onPaper ? Math.max(0.25, 1 - surfaceLevel) : 1) - paper.centre;
}
