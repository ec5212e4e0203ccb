// The first convolution layer's filters as a grid of enlarged grey tiles, the figure the book ends
// its chapter with: noise before learning, edge and blob detectors after.

import type { Tensor } from '../tensor/tensor.js';
import { createCanvas, drawTile, fillRectangle, type Canvas, type Colour } from './canvas.js';
import { drawText, GLYPH_HEIGHT, textWidth } from './font.js';
import { gridLayout, planesToTiles, scaleFor } from './tiles.js';

export const sheetColours = {
  // Neither black nor white, so a tile's darkest and brightest pixels both stand out from it.
  background: [176, 190, 205] as Colour,
  frame: [51, 65, 85] as Colour,
  text: [15, 23, 42] as Colour,
};
/** A 5x5 filter is enlarged until it is at least this many pixels across. */
const MINIMUM_TILE = 48;
const GAP = 6;
const MARGIN = 10;
const TEXT_SCALE = 2;

export interface FilterSheet {
  canvas: Canvas;
  columns: number;
  rows: number;
  /** Enlargement of each filter pixel. */
  scale: number;
}

/**
 * weights is (F,C,KH,KW). One tile per filter and input channel; a filter's channels share one
 * min-max stretch and sit side by side in its row. A single-channel layer is laid out near-square.
 */
export function renderFilterSheet(weights: Tensor, caption = ''): FilterSheet {
  if (weights.shape.length !== 4) {
    throw new RangeError(`renderFilterSheet: filters must be (F,C,KH,KW), got [${weights.shape.join(',')}]`);
  }
  const [F, C, KH, KW] = weights.shape;
  const tiles = planesToTiles(weights.data, F * C, KH, KW, C);
  const scale = scaleFor(Math.max(KH, KW), MINIMUM_TILE);
  const columns = C > 1 ? C : Math.ceil(Math.sqrt(F));
  // The frame is drawn inside the gap, so it is part of the spacing and never covers a weight.
  const grid = gridLayout(tiles.length, KW, KH, { columns, scale, gap: GAP });
  const captionHeight = caption === '' ? 0 : GLYPH_HEIGHT * TEXT_SCALE + MARGIN;
  const width = Math.max(grid.width, textWidth(caption, TEXT_SCALE)) + 2 * MARGIN;
  const canvas = createCanvas(width, grid.height + captionHeight + 2 * MARGIN, sheetColours.background);
  if (caption !== '') drawText(canvas, caption, MARGIN, MARGIN, sheetColours.text, TEXT_SCALE);
  tiles.forEach((tile, index) => {
    const x = MARGIN + grid.positions[index].x;
    const y = MARGIN + captionHeight + grid.positions[index].y;
    fillRectangle(canvas, x - 1, y - 1, KW * scale + 2, KH * scale + 2, sheetColours.frame);
    drawTile(canvas, tile, x, y, scale);
  });
  return { canvas, columns: grid.columns, rows: grid.rows, scale };
}
