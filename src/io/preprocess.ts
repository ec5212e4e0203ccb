// Turns a decoded picture of one digit into the network's 28x28 input the way MNIST was made: grey
// levels, ink bright on black, cropped, scaled into a 20x20 box keeping the aspect ratio with area
// averaging, then placed so its centre of mass sits at the middle of 28x28. Before that come the
// clean-ups a phone photo or a canvas drawing needs (transparency, polarity, uneven paper, noise,
// specks, thin pens). Pure: RGBA bytes in, 784 floats out.

export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array; // RGBA, 8 bits per channel, row-major
}

export interface PreparedDigit {
  pixels: Float32Array; // 28x28 row-major in [0,1], light ink on black
  inverted: boolean; // the source had dark ink on a light background
  empty: boolean; // no ink stands out from the background
}

interface Raster {
  width: number;
  height: number;
  values: Float32Array;
}

const SIDE = 28;
const BOX = 20;
// Below this contrast (on the 0..1 scale) nothing is treated as ink, however clean the image.
const MINIMUM_CONTRAST = 0.12;
// MNIST strokes are about 0.09 of the digit's longer side (median; 5% are below 0.065). A thin pen
// on a big drawing would fade to a faint hairline at 20 pixels, so it is thickened to the median.
const THIN_STROKE = 0.06;
const TYPICAL_STROKE = 0.09;
// Stroke width is measured and fixed on the crop shrunk to this size: five times the 20-pixel box
// is detail enough, and it bounds the cost of a large photo.
const WORKING_SIDE = 100;
const RAMP = ' .:-=+*#%@';

export function preprocessDigit(image: RgbaImage): PreparedDigit {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || data.length !== width * height * 4) {
    throw new RangeError(`preprocessDigit: ${width}x${height} RGBA needs ${width * height * 4} bytes, got ${data.length}`);
  }
  const border = borderIndices(width, height);
  const grey = compositeGrey(image, border);
  const inverted = inkIsDark({ width, height, values: grey }, border);
  const signal = inverted ? mapped(grey, (level) => 1 - level) : grey;
  const ink = extractInk({ width, height, values: signal });
  const digit = ink && cropToMainStrokes(ink);
  if (!digit) return { pixels: new Float32Array(SIDE * SIDE), inverted, empty: true };
  const working = Math.max(digit.width, digit.height) > WORKING_SIDE ? scaleToLongerSide(digit, WORKING_SIDE) : digit;
  return { pixels: centreByMass(fitInBox(thickenThinStrokes(working))), inverted, empty: false };
}

/** The 28x28 input as text, two characters per pixel so it looks square, darkest to brightest. */
export function renderDigit(pixels: Float32Array): string {
  if (pixels.length !== SIDE * SIDE) throw new RangeError(`renderDigit: expected ${SIDE * SIDE} pixels, got ${pixels.length}`);
  const lines: string[] = [];
  for (let y = 0; y < SIDE; y++) {
    let line = '';
    for (let x = 0; x < SIDE; x++) {
      const level = Math.min(1, Math.max(0, pixels[y * SIDE + x]));
      line += RAMP[Math.min(RAMP.length - 1, Math.floor(level * RAMP.length))].repeat(2);
    }
    lines.push(line);
  }
  return lines.join('\n');
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
// could explain, and stretches the rest to [0,1]. Null when no ink stands out.
function extractInk(signal: Raster): Raster | null {
  const background = backgroundSurface(signal);
  const residual = mapped(signal.values, (level, i) => level - background[i]);
  const centre = median(residual);
  const noise = 1.4826 * median(mapped(residual, (level) => Math.abs(level - centre)));
  const rise = mapped(residual, (level) => Math.max(0, level - centre));
  let peak = 0;
  for (const level of boxBlur({ ...signal, values: rise }).values) peak = Math.max(peak, level);
  if (peak < MINIMUM_CONTRAST) return null;
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

// Keeps the 8-connected pieces of ink holding at least 5% of the largest piece's ink (a 5's
// separate cap survives, specks and dust do not) and crops to them.
function cropToMainStrokes({ width, height, values }: Raster): Raster | null {
  const labels = new Int32Array(width * height).fill(-1);
  const masses: number[] = [];
  const stack: number[] = [];
  for (let seed = 0; seed < values.length; seed++) {
    if (values[seed] === 0 || labels[seed] >= 0) continue;
    let mass = 0;
    labels[seed] = masses.length;
    stack.push(seed);
    while (stack.length > 0) {
      const index = stack.pop() as number;
      const x = index % width;
      const y = (index - x) / width;
      mass += values[index];
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
  }
  if (masses.length === 0) return null;
  const minimumMass = 0.05 * masses.reduce((largest, mass) => Math.max(largest, mass));
  let [left, top, right, bottom] = [width, height, -1, -1];
  for (let index = 0; index < values.length; index++) {
    if (labels[index] < 0 || masses[labels[index]] < minimumMass) continue;
    const x = index % width;
    const y = (index - x) / width;
    [left, top, right, bottom] = [Math.min(left, x), Math.min(top, y), Math.max(right, x), Math.max(bottom, y)];
  }
  const crop: Raster = { width: right - left + 1, height: bottom - top + 1, values: new Float32Array((right - left + 1) * (bottom - top + 1)) };
  for (let y = top; y <= bottom; y++) {
    for (let x = left; x <= right; x++) {
      const index = y * width + x;
      if (labels[index] >= 0 && masses[labels[index]] >= minimumMass) crop.values[(y - top) * crop.width + x - left] = values[index];
    }
  }
  return crop;
}

// Stroke width ~ 2 x area / perimeter (a long stroke's perimeter is twice its length); soft edges
// count by their step so anti-aliasing does not skew it. Thin strokes grow by a max filter.
function thickenThinStrokes(ink: Raster): Raster {
  const { width, height, values } = ink;
  let area = 0;
  let perimeter = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const level = values[y * width + x];
      area += level;
      perimeter += Math.abs(level - (x + 1 < width ? values[y * width + x + 1] : 0));
      perimeter += Math.abs(level - (y + 1 < height ? values[(y + 1) * width + x] : 0));
      perimeter += (x === 0 ? level : 0) + (y === 0 ? level : 0);
    }
  }
  const strokeWidth = (2 * area) / perimeter;
  const longerSide = Math.max(width, height);
  const radius = Math.round((TYPICAL_STROKE * longerSide - strokeWidth) / 2);
  if (strokeWidth >= THIN_STROKE * longerSide || radius < 1) return ink;
  const padded: Raster = { width: width + 2 * radius, height: height + 2 * radius, values: new Float32Array((width + 2 * radius) * (height + 2 * radius)) };
  for (let y = 0; y < height; y++) padded.values.set(values.subarray(y * width, (y + 1) * width), (y + radius) * padded.width + radius);
  return transpose(maxAlongRows(transpose(maxAlongRows(padded, radius)), radius));
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

// Area averaging (a box filter): each output pixel is the mean of the source area it covers, the
// anti-aliasing that gave MNIST its grey edges. Its brightest pixel becomes 1, as in MNIST, which
// also restores full contrast to a faint or thickened hairline.
function fitInBox(digit: Raster): Raster {
  const scaled = scaleToLongerSide(digit, BOX);
  const brightest = scaled.values.reduce((highest, level) => Math.max(highest, level));
  return { ...scaled, values: scaled.values.map((level) => level / brightest) };
}

function scaleToLongerSide(image: Raster, side: number): Raster {
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

// LeCun: "centered in a 28x28 image by computing the center of mass of the pixels, and translating
// the image so as to position this point at the center of the 28x28 field".
function centreByMass({ width, height, values }: Raster): Float32Array {
  let mass = 0;
  let massX = 0;
  let massY = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      mass += values[y * width + x];
      massX += x * values[y * width + x];
      massY += y * values[y * width + x];
    }
  }
  const left = Math.round(SIDE / 2 - massX / mass);
  const top = Math.round(SIDE / 2 - massY / mass);
  const pixels = new Float32Array(SIDE * SIDE);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [column, row] = [x + left, y + top];
      if (column >= 0 && column < SIDE && row >= 0 && row < SIDE) pixels[row * SIDE + column] = values[y * width + x];
    }
  }
  return pixels;
}

function boxBlur({ width, height, values }: Raster): Raster {
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

// Float32Array.prototype.map and .from with a callback run several times slower than a plain loop.
function mapped(values: Float32Array, transform: (level: number, index: number) => number): Float32Array {
  const out = new Float32Array(values.length);
  for (let index = 0; index < values.length; index++) out[index] = transform(values[index], index);
  return out;
}

function gather(values: Float32Array, indices: number[]): Float32Array {
  const out = new Float32Array(indices.length);
  for (let k = 0; k < indices.length; k++) out[k] = values[indices[k]];
  return out;
}

// Quickselect (Hoare partition): the middle value without sorting a million of them.
function median(values: Float32Array): number {
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
