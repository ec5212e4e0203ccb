// Finds the ink in a picture of a digit, whatever it was drawn on: composites transparency, decides
// which way round the ink is, removes the paper (uneven light, shadows, grain) and drops specks
// and the edges of whatever lies beside the paper. Returns the ink cropped, bright on black.

import { boxBlur, gather, mapped, median, type Raster, type RgbaImage } from './raster.js';

// Below this contrast (on the 0..1 scale) nothing is treated as ink, however clean the image.
const MINIMUM_CONTRAST = 0.12;

/** The ink cropped to its pieces that matter (null when none stands out), and its polarity. */
export function findInk(image: RgbaImage): { ink: Raster | null; inverted: boolean } {
  const { width, height } = image;
  const border = borderIndices(width, height);
  const grey = compositeGrey(image, border);
  const inverted = inkIsDark({ width, height, values: grey }, border);
  const signal = inverted ? mapped(grey, (level) => 1 - level) : grey;
  const ink = extractInk({ width, height, values: signal }, inverted);
  return { ink: ink && cropToMainStrokes(ink), inverted };
}

// The outer 4% of the image: what is there is the background, even when a stroke touches it.
function borderIndices(width: number, height: number): number[] {
  const band = Math.max(1, Math.round(Math.min(width, height) * 0.04));
  const indices: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (x < band || y < band || x >= width - band || y >= height - band) indices.push(y * width + x);
    }
  }
  return indices;
}

// Luminance with transparency composited over the background. When the border is mostly
// transparent the picture is ink on a transparent canvas: its alpha is the ink, whatever colour the
// viewer shows behind it, so we composite over the level that contrasts most with the opaque
// pixels (white behind dark ink, black behind light ink); ink then counts as alpha x contrast.
function compositeGrey({ width, height, data }: RgbaImage, border: number[]): Float32Array {
  const luminance = new Float32Array(width * height);
  const alpha = new Float32Array(width * height);
  let weightedLevel = 0;
  let totalAlpha = 0;
  for (let i = 0; i < luminance.length; i++) {
    luminance[i] = (0.299 * data[4 * i] + 0.587 * data[4 * i + 1] + 0.114 * data[4 * i + 2]) / 255;
    alpha[i] = data[4 * i + 3] / 255;
    weightedLevel += alpha[i] * luminance[i];
    totalAlpha += alpha[i];
  }
  const opaqueBorder = border.filter((index) => alpha[index] >= 0.5);
  const background = opaqueBorder.length * 2 >= border.length
    ? median(gather(luminance, opaqueBorder))
    : totalAlpha > 0 && weightedLevel / totalAlpha >= 0.5 ? 0 : 1;
  return mapped(luminance, (level, i) => alpha[i] * level + (1 - alpha[i]) * background);
}

// Ink is what departs furthest from the border's level. Comparing depths rather than asking
// "is the border light?" also handles grey paper in a dim photo; the 3x3 blur keeps single noisy
// pixels from deciding.
function inkIsDark(grey: Raster, border: number[]): boolean {
  const background = median(gather(grey.values, border));
  const smooth = boxBlur(grey).values;
  let darkest = 1;
  let lightest = 0;
  for (const level of smooth) {
    darkest = Math.min(darkest, level);
    lightest = Math.max(lightest, level);
  }
  return background - darkest > lightest - background;
}

// Removes the background (a smooth surface, so shadows and uneven light go too), drops what noise
// could explain, and stretches the rest to [0,1]. Null when no ink stands out. On paper, light
// scales ink and paper alike, so the ink's depth is divided by the paper's local brightness: a
// stroke in the shadow then counts as much as one in the light (floored, so a dark table at the
// photo's edge does not blow up its noise).
function extractInk(signal: Raster, onPaper: boolean): Raster | null {
  const background = backgroundSurface(signal);
  const residual = mapped(signal.values, (level, i) => (level - background[i]) / (onPaper ? Math.max(0.25, 1 - background[i]) : 1));
  const centre = median(residual);
  const noise = 1.4826 * median(mapped(residual, (level) => Math.abs(level - centre)));
  const rise = mapped(residual, (level) => Math.max(0, level - centre));
  let peak = 0;
  for (const level of boxBlur({ ...signal, values: rise }).values) peak = Math.max(peak, level);
  if (peak < Math.max(MINIMUM_CONTRAST, 5 * noise)) return null;
  const threshold = Math.min(Math.max(0.2 * peak, 3 * noise), 0.5 * peak);
  const values = mapped(rise, (level) => (level <= threshold ? 0 : Math.min(1, (level - threshold) / (peak - threshold))));
  return { ...signal, values };
}

// Median of each block of a 16x16 grid, then the minimum over 5x5 blocks, so a block covered by a
// thick stroke takes its level from paper nearby; bilinear between block centres.
function backgroundSurface({ width, height, values }: Raster): Float32Array {
  const block = Math.max(4, Math.ceil(Math.max(width, height) / 16));
  const columns = Math.ceil(width / block);
  const rows = Math.ceil(height / block);
  const medians = new Float32Array(columns * rows);
  const scratch = new Float32Array(block * block);
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      let count = 0;
      for (let y = row * block; y < Math.min(height, (row + 1) * block); y++) {
        for (let x = column * block; x < Math.min(width, (column + 1) * block); x++) scratch[count++] = values[y * width + x];
      }
      medians[row * columns + column] = median(scratch.subarray(0, count));
    }
  }
  const floor = medians.map((_, cell) => {
    const row = Math.floor(cell / columns);
    const column = cell % columns;
    let lowest = Infinity;
    for (let r = Math.max(0, row - 2); r <= Math.min(rows - 1, row + 2); r++) {
      for (let c = Math.max(0, column - 2); c <= Math.min(columns - 1, column + 2); c++) lowest = Math.min(lowest, medians[r * columns + c]);
    }
    return lowest;
  });
  const surface = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const [row0, row1, ty] = between((y + 0.5) / block - 0.5, rows);
    for (let x = 0; x < width; x++) {
      const [column0, column1, tx] = between((x + 0.5) / block - 0.5, columns);
      const top = floor[row0 * columns + column0] * (1 - tx) + floor[row0 * columns + column1] * tx;
      const bottom = floor[row1 * columns + column0] * (1 - tx) + floor[row1 * columns + column1] * tx;
      surface[y * width + x] = top * (1 - ty) + bottom * ty;
    }
  }
  return surface;
}

function between(position: number, count: number): [number, number, number] {
  const low = Math.min(count - 1, Math.max(0, Math.floor(position)));
  return [low, Math.min(count - 1, low + 1), Math.min(1, Math.max(0, position - low))];
}

// Splits the ink into 8-connected pieces and keeps those with at least 5% of the largest piece's
// ink: a 5's separate cap survives, specks and dust do not. A piece running along the image's edge
// (a dark table or a scanner's border beside the paper) gives way to any substantial piece inside,
// but is kept when there is none, as for a digit cropped tight. Crops to what is kept.
function cropToMainStrokes({ width, height, values }: Raster): Raster | null {
  const labels = new Int32Array(width * height).fill(-1);
  const masses: number[] = [];
  const edgePixels: number[] = [];
  const stack: number[] = [];
  for (let seed = 0; seed < values.length; seed++) {
    if (values[seed] === 0 || labels[seed] >= 0) continue;
    let [mass, edge] = [0, 0];
    labels[seed] = masses.length;
    stack.push(seed);
    while (stack.length > 0) {
      const index = stack.pop() as number;
      const x = index % width;
      const y = (index - x) / width;
      mass += values[index];
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1) edge++;
      for (let ny = Math.max(0, y - 1); ny <= Math.min(height - 1, y + 1); ny++) {
        for (let nx = Math.max(0, x - 1); nx <= Math.min(width - 1, x + 1); nx++) {
          const neighbour = ny * width + nx;
          if (values[neighbour] > 0 && labels[neighbour] < 0) {
            labels[neighbour] = masses.length;
            stack.push(neighbour);
          }
        }
      }
    }
    masses.push(mass);
    edgePixels.push(edge);
  }
  if (masses.length === 0) return null;
  const substantial = (pieces: number[]): number[] => {
    const largest = pieces.reduce((most, piece) => Math.max(most, masses[piece]), 0);
    return pieces.filter((piece) => masses[piece] >= 0.05 * largest);
  };
  const all = substantial(masses.map((_, piece) => piece));
  const inside = all.filter((piece) => edgePixels[piece] <= Math.min(width, height) / 4);
  const kept = new Set(inside.length > 0 ? substantial(inside) : all);
  let [left, top, right, bottom] = [width, height, -1, -1];
  for (let index = 0; index < values.length; index++) {
    if (!kept.has(labels[index])) continue;
    const x = index % width;
    const y = (index - x) / width;
    left = Math.min(left, x);
    top = Math.min(top, y);
    right = Math.max(right, x);
    bottom = Math.max(bottom, y);
  }
  const crop: Raster = { width: right - left + 1, height: bottom - top + 1, values: new Float32Array((right - left + 1) * (bottom - top + 1)) };
  for (let y = top; y <= bottom; y++) {
    for (let x = left; x <= right; x++) {
      if (kept.has(labels[y * width + x])) crop.values[(y - top) * crop.width + x - left] = values[y * width + x];
    }
  }
  return crop;
}
