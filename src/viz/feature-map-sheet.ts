// One picture of what a network sees in one image: the preprocessed input, then every convolution and
// pooling layer's feature maps, one labelled row per layer. Maps are enlarged to about the same size
// on screen whatever their resolution, so a 12x12 pooled map lines up with the 24x24 map it came from.

import { createCanvas, drawTile, fillRectangle, type Canvas } from './canvas.js';
import { sheetColours } from './filter-sheet.js';
import { drawText, GLYPH_HEIGHT, textWidth } from './font.js';
import { gridLayout, planesToTiles } from './tiles.js';

export interface FeatureMapRow {
  label: string;
  /** (C,H,W) values, one plane per map. */
  channels: number;
  height: number;
  width: number;
  data: Float32Array | Float64Array;
}

export interface FeatureMapOptions {
  /** Maps per line before a layer's row wraps. */
  columns?: number;
  /** A text line under the last row, such as the prediction. */
  footer?: string;
}

/** Maps are enlarged by whole pixels to about this size; bigger maps are drawn as they are. */
const TARGET_SIDE = 56;
const GAP = 4;
const MARGIN = 10;
const ROW_GAP = 14;
const TEXT_SCALE = 2;
const TEXT_HEIGHT = GLYPH_HEIGHT * TEXT_SCALE;

export function mapScale(side: number): number {
  return Math.max(1, Math.floor(TARGET_SIDE / side));
}

/** Each map is stretched on its own, min to black and max to white; a constant map is black. */
export function renderFeatureMaps(rows: FeatureMapRow[], options: FeatureMapOptions = {}): Canvas {
  if (rows.length === 0) throw new RangeError('renderFeatureMaps: no rows to draw');
  const columns = options.columns ?? 15;
  const footer = options.footer ?? '';
  const laidOut = rows.map((row) => {
    const scale = mapScale(Math.max(row.height, row.width));
    const grid = gridLayout(row.channels, row.width, row.height, { columns, scale, gap: GAP });
    return { row, scale, grid, tiles: planesToTiles(row.data, row.channels, row.height, row.width) };
  });
  const width = Math.max(
    ...laidOut.map(({ row, grid }) => Math.max(grid.width, textWidth(row.label, TEXT_SCALE))),
    textWidth(footer, TEXT_SCALE),
  );
  const rowsHeight = laidOut.reduce((sum, { grid }) => sum + TEXT_HEIGHT + GAP + grid.height + ROW_GAP, 0);
  const footerHeight = footer === '' ? 0 : TEXT_HEIGHT + ROW_GAP;
  const canvas = createCanvas(width + 2 * MARGIN, rowsHeight - ROW_GAP + footerHeight + 2 * MARGIN, sheetColours.background);
  let top = MARGIN;
  for (const { row, scale, grid, tiles } of laidOut) {
    drawText(canvas, row.label, MARGIN, top, sheetColours.text, TEXT_SCALE);
    top += TEXT_HEIGHT + GAP;
    tiles.forEach((tile, index) => {
      const x = MARGIN + grid.positions[index].x;
      const y = top + grid.positions[index].y;
      fillRectangle(canvas, x - 1, y - 1, row.width * scale + 2, row.height * scale + 2, sheetColours.frame);
      drawTile(canvas, tile, x, y, scale);
    });
    top += grid.height + ROW_GAP;
  }
  if (footer !== '') drawText(canvas, footer, MARGIN, top, sheetColours.text, TEXT_SCALE);
  return canvas;
}
