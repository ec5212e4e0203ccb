// The braille chart at the end of `cnn train`: dots where the values put them, labels, colours, layout.

import { describe, expect, it } from 'vitest';
import type { EpochRecord } from '../train/train.js';
import { brailleCells, renderTrainingChart } from './terminal-chart.js';

const record = (epoch: number, trainLoss: number, trainAccuracy: number, testAccuracy: number): EpochRecord => ({
  epoch, trainLoss, trainAccuracy, testAccuracy, seconds: 1,
});
const history = [record(1, 1.2, 0.6, 0.8), record(2, 0.4, 0.85, 0.88), record(3, 0.3, 0.9, 0.9)];

describe('brailleCells', () => {
  it('draws a falling line from the top-left dot to the bottom-right dot', () => {
    // 2x1 cells are 4x4 dots: the line passes (0,0) (1,1) in the first cell and (2,2) (3,3) in the second.
    const { rows, owner } = brailleCells([[1, 0]], 2, 1, 0, 1);
    expect(rows[0].join('')).toBe(String.fromCharCode(0x2800 + 0x01 + 0x10, 0x2800 + 0x04 + 0x80));
    expect(owner).toEqual([[0, 0]]);
  });

  it('leaves cells no line passes through blank, and records which series drew last', () => {
    const { rows, owner } = brailleCells([[1, 1], [0, 0]], 3, 2, 0, 1);
    expect(rows[0].every((cell) => cell !== ' ')).toBe(true);
    expect(rows[1].every((cell) => cell !== ' ')).toBe(true);
    expect(owner).toEqual([[0, 0, 0], [1, 1, 1]]);
    expect(brailleCells([[1, 1]], 3, 2, 0, 1).rows[1]).toEqual([' ', ' ', ' ']);
  });
});

describe('renderTrainingChart', () => {
  it('needs two epochs to draw a line', () => {
    expect(renderTrainingChart(history.slice(0, 1))).toBe('');
  });

  it('labels the top and bottom of each axis with the extreme values and the epoch range', () => {
    const text = renderTrainingChart(history, { columns: 200 });
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^loss per epoch {2}━ train loss +accuracy per epoch {2}━ train ━ test$/);
    expect(lines[1]).toMatch(/^1\.200 ┤.+ 90\.0% ┤/);
    expect(lines[6]).toMatch(/^0\.300 ┤.+ 60\.0% ┤/);
    expect(lines[8]).toMatch(/^ +1 +3 +1 +3$/);
    // The loss falls: its first dot is in the top row, its last in the bottom row.
    expect(lines[1].charAt(7)).not.toBe(' ');
    expect(lines[6].charAt(7 + 31)).not.toBe(' ');
  });

  it('stacks the charts when the terminal is narrow', () => {
    const lines = renderTrainingChart(history, { columns: 60 }).split('\n');
    expect(lines).toHaveLength(2 * 9 + 1);
    expect(lines[10]).toMatch(/^accuracy per epoch/);
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(60);
  });

  it('paints the series in the palette it is given', () => {
    const tag = (name: string) => (text: string) => `<${name}>${text}</${name}>`;
    const text = renderTrainingChart(history, { columns: 200, colour: { yellow: tag('y'), cyan: tag('c'), green: tag('g'), dim: tag('d') } });
    expect(text).toContain('<y>━ train loss</y>');
    expect(text).toMatch(/<y>[\u2801-\u28ff]<\/y>/);
    expect(text).toMatch(/<g>[\u2801-\u28ff]<\/g>/);
    // Colour codes do not count towards the width, so the second chart starts at the same column.
    const plainLines = text.replace(/<\/?[ycgd]>/g, '').split('\n');
    const start = plainLines[1].indexOf('90.0%');
    expect(plainLines[6].indexOf('60.0%')).toBe(start);
  });
});
