// Pictures of digits drawn by the tests, for the preprocessing and its WebAssembly twin: shapes at any
// size and place, anti-aliased, in any paint (ink on paper, a transparent canvas, ruled notebook paper).

import type { RgbaImage } from '../../src/io/preprocess.js';

export type Shape = (x: number, y: number) => boolean;
export type Rgba = [number, number, number, number];
export type Paint = (ink: number, x: number, y: number) => Rgba;

export const ring = (cx: number, cy: number, rx: number, ry: number, thickness: number): Shape => (x, y) => {
  const distance = Math.hypot((x - cx) / rx, (y - cy) / ry);
  return distance <= 1 && distance >= 1 - thickness;
};

// A 7: a top bar and a diagonal down to the left, both `stroke` wide, in the box (left, top, size).
export const seven = (left: number, top: number, size: number, stroke: number): Shape => (x, y) => {
  const [ax, ay, bx, by] = [left + size * 0.6, top, left + size * 0.2, top + size];
  const t = Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
  const onBar = x >= left && x <= left + size * 0.6 && y >= top && y <= top + stroke;
  return onBar || Math.hypot(x - ax - t * (bx - ax), y - ay - t * (by - ay)) <= stroke / 2;
};

// 4x4 supersampling gives the shape anti-aliased edges, like any real drawing.
export function draw(width: number, height: number, shape: Shape, paint: Paint): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let inside = 0;
      for (let sample = 0; sample < 16; sample++) inside += shape(x + ((sample % 4) + 0.5) / 4, y + (Math.floor(sample / 4) + 0.5) / 4) ? 1 : 0;
      const colour = paint(inside / 16, x, y).map((channel) => Math.max(0, Math.min(255, Math.round(channel))));
      data.set(colour, (y * width + x) * 4);
    }
  }
  return { width, height, data };
}

export const greyInk = (paper: number, pen: number): Paint => (ink) => {
  const level = paper + (pen - paper) * ink;
  return [level, level, level, 255];
};
export const darkOnLight = greyInk(255, 20);
export const lightOnDark = greyInk(20, 255);

// Notebook paper photographed a little askew: faint blue rules `gap` apart and a red margin line, tilted
// by `tiltDegrees`, under dark pen.
export const onRuledPaper = (tiltDegrees: number, gap: number): Paint => {
  const tilt = (tiltDegrees * Math.PI) / 180;
  return (ink, x, y) => {
    const across = y * Math.cos(tilt) - x * Math.sin(tilt);
    const rule = Math.max(0, 1.5 - Math.abs(across - gap * Math.round(across / gap)));
    const margin = Math.max(0, 1.5 - Math.abs(x * Math.cos(tilt) + y * Math.sin(tilt) - 215));
    const through = (blue: number, red: number): number => (1 - rule * (1 - blue / 255)) * (1 - margin * (1 - red / 255));
    const paper = [through(150, 230), through(180, 120), through(230, 130)].map((share) => 240 * share);
    return [...paper.map((level) => level + (30 - level) * ink), 255] as Rgba;
  };
};
