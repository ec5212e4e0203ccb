// Redraws one MNIST test digit the way users hand digits to `cnn predict`: a phone photo of paper, a
// scan, a canvas drawing, light ink on a dark screen, a photo of ruled notebook paper, a small digit
// in a big photo. Each style draws
// its own size, position, angle, stroke width, colours and file format from the Random it is given,
// so a seed fixes every file. The digit's 28x28 grey levels become ink coverage on the new canvas.

import sharp, { type Sharp } from 'sharp';
import type { Random } from '../../src/tensor/random.js';

export interface UserImage {
  image: Sharp;
  extension: string;
}

export interface Style {
  name: string;
  draw(digit: Uint8Array, random: Random): UserImage;
}

type Colour = [number, number, number];

interface Canvas {
  width: number;
  height: number;
  scale: number; // canvas pixels per MNIST pixel
  ink: Float32Array; // coverage in [0,1], row-major
}

const SIDE = 28;
// Pens people photograph: black ballpoint, blue ballpoint, red felt tip, pencil.
const DARK_INKS: Colour[] = [[32, 32, 40], [30, 55, 150], [165, 35, 45], [95, 95, 102]];
const LIGHT_INKS: Colour[] = [[245, 245, 245], [250, 230, 120], [140, 220, 250]];

export const styles: Style[] = [
  {
    name: 'paper photo',
    draw(digit, random) {
      const canvas = placeDigit(digit, random, uniform(random, 4, 12), [0.3, 0.75], 10, uniform(random, 0.35, 0.6));
      addSpecks(canvas, random, random.integer(4));
      const rgb = onPaper(canvas, random, pick(random, DARK_INKS));
      const image = sharp(rgb, { raw: { width: canvas.width, height: canvas.height, channels: 3 } });
      // Phones often store the pixels sideways and say so in EXIF; the loader must turn them upright.
      if (random.uniform() < 0.3) image.rotate(270).withMetadata({ orientation: 6 });
      return { image: image.jpeg({ quality: 60 + random.integer(31) }), extension: 'jpg' };
    },
  },
  {
    name: 'scan',
    draw(digit, random) {
      const canvas = placeDigit(digit, random, uniform(random, 3, 8), [0.4, 0.8], 3, uniform(random, 0.4, 0.6));
      addSpecks(canvas, random, random.integer(3));
      const [paper, pen] = [245 + random.integer(11), random.integer(40)];
      const sixteen = random.uniform() < 0.5;
      const grey = (coverage: number): number => paper + (pen - paper) * coverage;
      const levels = sixteen ? Uint16Array.from(canvas.ink, (coverage) => grey(coverage) * 257) : Uint8Array.from(canvas.ink, grey);
      const image = sharp(levels, { raw: { width: canvas.width, height: canvas.height, channels: 1 } }).blur(uniform(random, 0.5, 1.3));
      if (random.uniform() < 0.25) return { image: image.toColourspace(sixteen ? 'grey16' : 'b-w').tiff(), extension: 'tif' };
      return { image: image.toColourspace(sixteen ? 'grey16' : 'b-w').png(), extension: 'png' };
    },
  },
  {
    name: 'canvas drawing',
    draw(digit, random) {
      // A drawing pad is filled by the digit, and a brush is broader than MNIST's pen.
      const canvas = placeDigit(digit, random, uniform(random, 7, 14), [0.5, 0.8], 8, uniform(random, 0.3, 0.5));
      const ink = thicken(canvas, Math.round(uniform(random, 0.25, 0.6) * canvas.scale));
      const colour = random.uniform() < 0.2 ? pick(random, LIGHT_INKS) : pick(random, DARK_INKS);
      const rgba = Buffer.alloc(ink.length * 4);
      ink.forEach((coverage, index) => rgba.set([...colour, Math.round(255 * coverage)], index * 4));
      const image = sharp(rgba, { raw: { width: canvas.width, height: canvas.height, channels: 4 } });
      if (random.uniform() < 0.25) return { image: image.webp({ lossless: true }), extension: 'webp' };
      return { image: image.png(), extension: 'png' };
    },
  },
  {
    name: 'light on dark',
    draw(digit, random) {
      const canvas = placeDigit(digit, random, uniform(random, 3, 9), [0.35, 0.75], 6, uniform(random, 0.3, 0.5));
      const level = 12 + random.integer(40);
      const background: Colour = [level, level + random.integer(8), level + random.integer(20)];
      const rgb = paint(canvas, () => 1, background, pick(random, LIGHT_INKS), 0);
      const image = sharp(rgb, { raw: { width: canvas.width, height: canvas.height, channels: 3 } });
      const format = random.integer(3);
      if (format === 0) return { image: image.png({ palette: true, colours: 8 + random.integer(57) }), extension: 'png' };
      if (format === 1) return { image: image.gif(), extension: 'gif' };
      return { image: image.png(), extension: 'png' };
    },
  },
  {
    name: 'ruled paper',
    draw(digit, random) {
      const canvas = placeDigit(digit, random, uniform(random, 4, 10), [0.2, 0.6], 10, uniform(random, 0.35, 0.6));
      addSpecks(canvas, random, random.integer(4));
      const rgb = onPaper(canvas, random, pick(random, DARK_INKS), ruling(canvas, random));
      return { image: sharp(rgb, { raw: { width: canvas.width, height: canvas.height, channels: 3 } }).jpeg({ quality: 60 + random.integer(31) }), extension: 'jpg' };
    },
  },
  {
    name: 'small in big photo',
    draw(digit, random) {
      const canvas = placeDigit(digit, random, uniform(random, 4, 7), [0.1, 0.2], 10, uniform(random, 0.35, 0.6));
      addSpecks(canvas, random, random.integer(6));
      const rgb = onPaper(canvas, random, pick(random, DARK_INKS));
      return { image: sharp(rgb, { raw: { width: canvas.width, height: canvas.height, channels: 3 } }).jpeg({ quality: 60 + random.integer(31) }), extension: 'jpg' };
    },
  },
];

// The digit enlarged `scale` times on a canvas it fills `fill` of (per side), turned up to `maxAngle`
// degrees and placed anywhere that keeps it clear of the edges. Bilinear sampling, then a smoothstep
// around `threshold`, gives a pen's crisp, anti-aliased edge; a higher threshold draws a finer pen.
function placeDigit(digit: Uint8Array, random: Random, scale: number, fill: [number, number], maxAngle: number, threshold: number): Canvas {
  const extent = 20 * scale;
  const width = Math.round(extent / uniform(random, ...fill));
  const height = Math.round(extent / uniform(random, ...fill));
  const angle = (uniform(random, -maxAngle, maxAngle) * Math.PI) / 180;
  // Rotation and the digit's own offset within MNIST's 20-pixel box need about 13 pixels either side.
  const free = (side: number): number => Math.max(0, side - 26 * scale - 0.1 * side);
  const centre = [(width - free(width)) / 2 + random.uniform() * free(width), (height - free(height)) / 2 + random.uniform() * free(height)];
  const level = (x: number, y: number): number => (x < 0 || y < 0 || x >= SIDE || y >= SIDE ? 0 : digit[y * SIDE + x] / 255);
  const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
  const ink = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [dx, dy] = [x - centre[0], y - centre[1]];
      const u = (cos * dx + sin * dy) / scale + SIDE / 2 - 0.5;
      const v = (-sin * dx + cos * dy) / scale + SIDE / 2 - 0.5;
      const [u0, v0] = [Math.floor(u), Math.floor(v)];
      const [fu, fv] = [u - u0, v - v0];
      const value = (level(u0, v0) * (1 - fu) + level(u0 + 1, v0) * fu) * (1 - fv) + (level(u0, v0 + 1) * (1 - fu) + level(u0 + 1, v0 + 1) * fu) * fv;
      const t = Math.min(1, Math.max(0, (value - threshold + 0.2) / 0.4));
      ink[y * width + x] = t * t * (3 - 2 * t);
    }
  }
  return { width, height, scale, ink };
}

// Dust and pencil dots: small soft discs of partial ink, which the preprocessing must ignore.
function addSpecks({ width, height, ink }: Canvas, random: Random, count: number): void {
  for (let k = 0; k < count; k++) {
    const [cx, cy, radius, depth] = [random.uniform() * width, random.uniform() * height, uniform(random, 0.8, 2.5), uniform(random, 0.3, 0.8)];
    for (let y = Math.max(0, Math.floor(cy - radius)); y <= Math.min(height - 1, cy + radius); y++) {
      for (let x = Math.max(0, Math.floor(cx - radius)); x <= Math.min(width - 1, cx + radius); x++) {
        const inside = Math.min(1, Math.max(0, radius - Math.hypot(x - cx, y - cy)));
        ink[y * width + x] = Math.max(ink[y * width + x], depth * inside);
      }
    }
  }
}

// Notebook paper: faint blue rules about a digit's height apart, a few degrees off level as a
// hand-held phone sees them, and sometimes the red margin line. Returns what the rules let through
// of the paper's colour, per pixel and channel, for the pen to write over.
function ruling({ width, height, scale }: Canvas, random: Random): Float32Array {
  const gap = 20 * scale * uniform(random, 0.6, 1.2);
  const thickness = Math.max(1, gap * uniform(random, 0.025, 0.045));
  const [angle, phase] = [(uniform(random, -4, 4) * Math.PI) / 180, random.uniform() * gap];
  const blue: Colour = [130 + random.integer(40), 165 + random.integer(35), 215 + random.integer(30)];
  const red: Colour = [215 + random.integer(30), 100 + random.integer(40), 110 + random.integer(40)];
  const margin = random.uniform() < 0.25 ? random.uniform() * width : -Infinity;
  const cover = (distance: number): number => Math.min(1, Math.max(0, thickness / 2 + 0.5 - Math.abs(distance)));
  const through = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const across = y * Math.cos(angle) - x * Math.sin(angle) - phase;
      const rule = cover(across - gap * Math.round(across / gap));
      const marginLine = cover(x * Math.cos(angle) + y * Math.sin(angle) - margin);
      for (let c = 0; c < 3; c++) through[(y * width + x) * 3 + c] = (1 - rule * (1 - blue[c] / 255)) * (1 - marginLine * (1 - red[c] / 255));
    }
  }
  return through;
}

// Off-white paper under uneven light (a gradient from one side, sometimes a soft shadow across a
// part), with sensor grain. Light dims ink and paper alike, as in a real photo.
function onPaper(canvas: Canvas, random: Random, pen: Colour, rules?: Float32Array): Buffer {
  const { width, height } = canvas;
  const paper: Colour = [236 + random.integer(16), 230 + random.integer(16), 214 + random.integer(20)];
  const [direction, strength] = [random.uniform() * 2 * Math.PI, uniform(random, 0.1, 0.35)];
  const shadow = random.uniform() < 0.3;
  const [edge, edgeAngle, depth, softness] = [uniform(random, 0.15, 0.45), random.uniform() * 2 * Math.PI, uniform(random, 0.2, 0.4), uniform(random, 0.01, 0.06)];
  const light = (x: number, y: number): number => {
    const [u, v] = [x / width - 0.5, y / height - 0.5];
    const along = u * Math.cos(direction) + v * Math.sin(direction);
    const dark = shadow ? depth / (1 + Math.exp(-(u * Math.cos(edgeAngle) + v * Math.sin(edgeAngle) - edge) / softness)) : 0;
    return (1 - strength * (along + 0.7) / 1.4) * (1 - dark);
  };
  return paint(canvas, light, paper, pen, uniform(random, 2, 7), random, rules);
}

// `rules`, when given, is the share of the background's colour that shows through, per channel.
function paint(canvas: Canvas, light: (x: number, y: number) => number, background: Colour, pen: Colour, grain: number, random?: Random, rules?: Float32Array): Buffer {
  const { width, height, ink } = canvas;
  const rgb = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const index = y * width + x;
      const [shade, noise] = [light(x, y), random ? grain * random.normal() : 0];
      for (let c = 0; c < 3; c++) {
        const paper = background[c] * (rules ? rules[index * 3 + c] : 1);
        rgb[index * 3 + c] = clamp(shade * (paper + (pen[c] - paper) * ink[index]) + noise);
      }
    }
  }
  return rgb;
}

// A grey-level max filter, rows then columns: a brush as broad as the pen plus 2 x radius.
function thicken({ width, height, ink }: Canvas, radius: number): Float32Array {
  const pass = (source: Float32Array, step: number, along: number, across: number, stride: number): Float32Array => {
    const out = new Float32Array(source.length);
    for (let j = 0; j < across; j++) {
      for (let i = 0; i < along; i++) {
        let highest = 0;
        for (let k = Math.max(0, i - radius); k <= Math.min(along - 1, i + radius); k++) highest = Math.max(highest, source[j * stride + k * step]);
        out[j * stride + i * step] = highest;
      }
    }
    return out;
  };
  return pass(pass(ink, 1, width, height, width), width, height, width, 1);
}

function uniform(random: Random, low: number, high: number): number {
  return low + (high - low) * random.uniform();
}

function pick<T>(random: Random, choices: T[]): T {
  return choices[random.integer(choices.length)];
}

function clamp(value: number): number {
  return Math.max(0, Math.min(255, Math.round(value)));
}
