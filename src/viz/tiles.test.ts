// Tile normalisation and layout, and the filter sheet built from them: known weights must land as
// known grey levels at known places.

import { describe, expect, it } from 'vitest';
import { createCanvas, pixelAt } from './canvas.js';
import { renderFilterSheet, sheetColours } from './filter-sheet.js';
import { drawText, textWidth } from './font.js';
import { gridLayout, normalise, planesToTiles, scaleFor } from './tiles.js';

describe('normalise', () => {
  it('maps min to 0 and max to 255, linearly between', () => {
    expect([...normalise([-1, 0, 1, 3])]).toEqual([0, 64, 128, 255]);
  });

  it('ignores the overall scale: x0.01 gives the same levels', () => {
    expect([...normalise([-0.01, 0, 0.01, 0.03])]).toEqual([0, 64, 128, 255]);
  });

  it('draws a constant plane (a dead ReLU map) black', () => {
    expect([...normalise([0.5, 0.5, 0.5])]).toEqual([0, 0, 0]);
  });
});

describe('planesToTiles', () => {
  it('stretches each plane on its own', () => {
    const tiles = planesToTiles(Float32Array.from([0, 1, 2, 3, 10, 10, 10, 20]), 2, 2, 2);
    expect(tiles.map((tile) => [...tile.levels])).toEqual([[0, 85, 170, 255], [0, 0, 0, 255]]);
  });

  it('stretches a group of planes (a filter\'s channels) together', () => {
    const tiles = planesToTiles(Float32Array.from([0, 1, 2, 4]), 2, 1, 2, 2);
    expect(tiles.map((tile) => [...tile.levels])).toEqual([[0, 64], [128, 255]]);
  });

  it('refuses data that does not fill the planes', () => {
    expect(() => planesToTiles(new Float32Array(7), 2, 2, 2)).toThrow(/need 8 values, got 7/);
  });
});

describe('gridLayout', () => {
  it('places 30 tiles of 5x5 at x8 in 6 columns and 5 rows, gap 6', () => {
    const grid = gridLayout(30, 5, 5, { columns: 6, scale: 8, gap: 6 });
    expect([grid.columns, grid.rows, grid.width, grid.height]).toEqual([6, 5, 6 * 40 + 5 * 6, 5 * 40 + 4 * 6]);
    expect(grid.positions[0]).toEqual({ x: 0, y: 0 });
    expect(grid.positions[1]).toEqual({ x: 46, y: 0 });
    expect(grid.positions[6]).toEqual({ x: 0, y: 46 });
    expect(grid.positions[29]).toEqual({ x: 5 * 46, y: 4 * 46 });
  });

  it('never uses more columns than tiles', () => {
    const grid = gridLayout(3, 4, 2, { columns: 15, scale: 1, gap: 2 });
    expect([grid.columns, grid.rows, grid.width, grid.height]).toEqual([3, 1, 16, 2]);
  });

  it('enlarges by the smallest whole factor that reaches the minimum', () => {
    expect([scaleFor(5, 48), scaleFor(3, 48), scaleFor(48, 48), scaleFor(100, 48)]).toEqual([10, 16, 1, 1]);
  });
});

describe('renderFilterSheet', () => {
  // Two 1-channel 2x2 filters: the first a ramp, the second with one bright weight.
  const weights = { shape: [2, 1, 2, 2], data: Float32Array.from([-1, 0, 1, 3, 0, 0, 0, 0.2]) };
  const { canvas, columns, rows, scale } = renderFilterSheet(weights);
  const margin = 10;

  it('lays the filters out near-square and enlarges a 2x2 filter to 48 pixels', () => {
    expect([columns, rows, scale]).toEqual([2, 1, 24]);
    expect(canvas.width).toBe(2 * margin + 2 * 48 + 6);
    expect(canvas.height).toBe(2 * margin + 48);
  });

  it('draws each weight as a square of its grey level', () => {
    const level = (filter: number, row: number, column: number) =>
      pixelAt(canvas, margin + filter * (48 + 6) + column * scale + scale / 2, margin + row * scale + scale / 2);
    expect([level(0, 0, 0), level(0, 0, 1), level(0, 1, 0), level(0, 1, 1)]).toEqual([[0, 0, 0], [64, 64, 64], [128, 128, 128], [255, 255, 255]]);
    expect([level(1, 0, 0), level(1, 1, 1)]).toEqual([[0, 0, 0], [255, 255, 255]]);
    // Every pixel of one weight's square has the same level: enlargement never smooths.
    expect(pixelAt(canvas, margin + scale - 1, margin + scale - 1)).toEqual([0, 0, 0]);
    expect(pixelAt(canvas, margin + scale, margin)).toEqual([64, 64, 64]);
  });

  it('frames each tile and fills the rest with the background', () => {
    expect(pixelAt(canvas, margin - 1, margin)).toEqual([...sheetColours.frame]);
    expect(pixelAt(canvas, 0, 0)).toEqual([...sheetColours.background]);
  });

  it('refuses weights that are not (F,C,KH,KW)', () => {
    expect(() => renderFilterSheet({ shape: [2, 4], data: new Float32Array(8) })).toThrow(/must be \(F,C,KH,KW\), got \[2,4\]/);
  });
});

describe('bitmap font', () => {
  it('measures text: 6 font pixels per character less the last gap, times the scale', () => {
    expect([textWidth('', 2), textWidth('a', 1), textWidth('conv1', 2)]).toEqual([0, 5, 58]);
  });

  it('draws the glyph for 1: its stem in the middle column, its base three wide', () => {
    const canvas = createCanvas(5, 8, [0, 0, 0]);
    drawText(canvas, '1', 0, 0, [255, 255, 255], 1);
    const lit = (x: number, y: number) => pixelAt(canvas, x, y)[0] === 255;
    expect([0, 1, 2, 3, 4].map((x) => lit(x, 6))).toEqual([false, true, true, true, false]);
    expect([0, 1, 2, 3, 4].map((x) => lit(x, 3))).toEqual([false, false, true, false, false]);
  });

  it('draws an unknown character as a question mark', () => {
    const unknown = createCanvas(5, 8, [0, 0, 0]);
    const question = createCanvas(5, 8, [0, 0, 0]);
    drawText(unknown, '€', 0, 0, [255, 255, 255], 1);
    drawText(question, '?', 0, 0, [255, 255, 255], 1);
    expect(unknown.data).toEqual(question.data);
    expect(question.data.some((value) => value === 255)).toBe(true);
  });
});
