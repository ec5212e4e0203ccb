// Turning weights and activations into grey tiles, and laying tiles out in a grid. Each tile is
// stretched on its own, min to black and max to white (the book's filter figure does the same), so a
// filter's pattern shows whatever its overall scale: initial weights are ~0.01, trained ones ~0.3.

import type { FloatArray } from '../tensor/tensor.js';
import type { GreyTile } from './canvas.js';

/** Levels 0..255: the smallest value becomes 0, the largest 255; a constant input is all black. */
export function normalise(values: ArrayLike<number>): Uint8Array {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    min = Math.min(min, values[i]);
    max = Math.max(max, values[i]);
  }
  const levels = new Uint8Array(values.length);
  // A constant map (a dead ReLU channel, all zeros) has no pattern to stretch: black says "nothing".
  if (!(max > min)) return levels;
  const scale = 255 / (max - min);
  for (let i = 0; i < values.length; i++) levels[i] = Math.round((values[i] - min) * scale);
  return levels;
}

/**
 * Splits planes stored one after another (C,H,W) into C tiles, each normalised on its own.
 * `group` > 1 normalises consecutive planes together: a filter's input channels share one scale.
 */
export function planesToTiles(data: FloatArray, count: number, height: number, width: number, group = 1): GreyTile[] {
  const size = height * width;
  if (data.length !== count * size) {
    throw new RangeError(`planesToTiles: ${count} planes of ${height}x${width} need ${count * size} values, got ${data.length}`);
  }
  if (count % group !== 0) throw new RangeError(`planesToTiles: ${count} planes do not split into groups of ${group}`);
  const tiles: GreyTile[] = [];
  for (let start = 0; start < count; start += group) {
    const levels = normalise(data.subarray(start * size, (start + group) * size));
    for (let plane = 0; plane < group; plane++) {
      tiles.push({ width, height, levels: levels.subarray(plane * size, (plane + 1) * size) });
    }
  }
  return tiles;
}

export interface GridOptions {
  columns: number;
  /** Whole-pixel enlargement of every tile. */
  scale: number;
  /** Space between tiles. */
  gap: number;
}

export interface GridLayout {
  columns: number;
  rows: number;
  /** Size of the whole grid, without any outer margin. */
  width: number;
  height: number;
  /** Top-left corner of each tile, relative to the grid's top-left corner, in reading order. */
  positions: { x: number; y: number }[];
}

/** Where `count` tiles of tileWidth x tileHeight go, row by row. */
export function gridLayout(count: number, tileWidth: number, tileHeight: number, options: GridOptions): GridLayout {
  const { scale, gap } = options;
  const columns = Math.max(1, Math.min(options.columns, count));
  const rows = Math.ceil(count / columns);
  const stepX = tileWidth * scale + gap;
  const stepY = tileHeight * scale + gap;
  const positions = Array.from({ length: count }, (_, index) => ({
    x: (index % columns) * stepX,
    y: Math.floor(index / columns) * stepY,
  }));
  return { columns, rows, width: columns * stepX - gap, height: rows * stepY - gap, positions };
}

/** The smallest whole enlargement that makes a side of `side` pixels at least `minimum` pixels. */
export function scaleFor(side: number, minimum: number): number {
  return Math.max(1, Math.ceil(minimum / side));
}
