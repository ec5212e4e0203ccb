// A small terminal chart of a training run, printed when `cnn train` ends on a terminal: loss, and
// train and test accuracy, per epoch. Lines are drawn in braille dots (2x4 per character cell), four
// times finer than one mark per character, and every terminal font has them.

import type { EpochRecord } from '../train/train.js';

/** The colours used, in the spirit of the per-epoch lines: chalk's instance fits as it is. */
export interface Palette {
  yellow(text: string): string;
  cyan(text: string): string;
  green(text: string): string;
  dim(text: string): string;
}

export interface TerminalChartOptions {
  /** Terminal width: the two charts sit side by side when they fit, else one above the other. */
  columns?: number;
  colour?: Palette;
  /** Character cells per chart. */
  width?: number;
  height?: number;
}

interface Line {
  text: string;
  /** Visible characters, colour codes not counted. */
  width: number;
}

const plain: Palette = { yellow: (text) => text, cyan: (text) => text, green: (text) => text, dim: (text) => text };
// Bit of each dot in a braille cell, by dot row (0..3) and column (0..1): Unicode's numbering.
const DOTS = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]];

/**
 * Draws series of values (one per epoch) into width x height cells between low (bottom) and high
 * (top), joining the points with straight lines. Returns each row's cells and which series drew last
 * in each cell (-1 for none), so the caller can colour them.
 */
export function brailleCells(series: number[][], width: number, height: number, low: number, high: number): { rows: string[][]; owner: number[][] } {
  const [dotsX, dotsY] = [2 * width, 4 * height];
  const bits = Array.from({ length: height }, () => new Array<number>(width).fill(0));
  const owner = Array.from({ length: height }, () => new Array<number>(width).fill(-1));
  const set = (x: number, y: number, index: number) => {
    bits[y >> 2][x >> 1] |= DOTS[y & 3][x & 1];
    owner[y >> 2][x >> 1] = index;
  };
  series.forEach((values, index) => {
    const points = values.map((value, i) => [
      values.length === 1 ? dotsX >> 1 : Math.round((i * (dotsX - 1)) / (values.length - 1)),
      high === low ? dotsY >> 1 : Math.round(((high - value) / (high - low)) * (dotsY - 1)),
    ]);
    points.forEach(([x, y], i) => {
      const [fromX, fromY] = i === 0 ? [x, y] : points[i - 1];
      const steps = Math.max(Math.abs(x - fromX), Math.abs(y - fromY));
      for (let step = 0; step <= steps; step++) {
        const t = steps === 0 ? 0 : step / steps;
        set(Math.round(fromX + (x - fromX) * t), Math.round(fromY + (y - fromY) * t), index);
      }
    });
  });
  // An empty cell is a plain space: some fonts draw the blank braille pattern as faint dots.
  return { rows: bits.map((row) => row.map((cell) => (cell === 0 ? ' ' : String.fromCharCode(0x2800 + cell)))), owner };
}

interface ChartSeries {
  values: number[];
  paint: (text: string) => string;
}

/** One chart: its title, the plot with the extreme values labelled on the axis, and the epoch range. */
function chart(title: Line, series: ChartSeries[], format: (value: number) => string, options: Required<Omit<TerminalChartOptions, 'columns'>>): Line[] {
  const { width, height, colour } = options;
  const values = series.flatMap((line) => line.values);
  const [low, high] = [Math.min(...values), Math.max(...values)];
  const labels = [format(high), format(low)];
  const labelWidth = Math.max(...labels.map((label) => label.length));
  const { rows, owner } = brailleCells(series.map((line) => line.values), width, height, low, high);
  const lines: Line[] = [title];
  rows.forEach((cells, row) => {
    const label = row === 0 ? labels[0] : row === height - 1 ? labels[1] : '';
    const axis = label === '' ? '│' : '┤';
    const drawn = cells.map((cell, column) => (owner[row][column] < 0 ? cell : series[owner[row][column]].paint(cell))).join('');
    lines.push({ text: `${colour.dim(`${label.padStart(labelWidth)} ${axis}`)}${drawn}`, width: labelWidth + 2 + width });
  });
  const epochs = Math.max(...series.map((line) => line.values.length));
  lines.push({ text: colour.dim(`${' '.repeat(labelWidth + 1)}└${'─'.repeat(width)}`), width: labelWidth + 2 + width });
  const axis = `${' '.repeat(labelWidth + 2)}1${String(epochs).padStart(width - 1)}`;
  lines.push({ text: colour.dim(axis), width: axis.length });
  return lines;
}

/** A line of pieces, some coloured, that knows its visible width. */
function painted(pieces: [string, ((text: string) => string) | undefined][]): Line {
  return {
    text: pieces.map(([text, paint]) => (paint === undefined ? text : paint(text))).join(''),
    width: pieces.reduce((sum, [text]) => sum + text.length, 0),
  };
}

/** Loss and accuracy per epoch as text for stderr; empty for fewer than two epochs (no line to draw). */
export function renderTrainingChart(history: EpochRecord[], options: TerminalChartOptions = {}): string {
  if (history.length < 2) return '';
  const settings = { width: options.width ?? 32, height: options.height ?? 6, colour: options.colour ?? plain };
  const { colour } = settings;
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
  const loss = chart(
    painted([['loss per epoch  ', undefined], ['━ train loss', colour.yellow]]),
    [{ values: history.map((record) => record.trainLoss), paint: colour.yellow }],
    (value) => value.toFixed(3),
    settings,
  );
  const accuracy = chart(
    painted([['accuracy per epoch  ', undefined], ['━ train', colour.cyan], [' ', undefined], ['━ test', colour.green]]),
    [
      { values: history.map((record) => record.trainAccuracy), paint: colour.cyan },
      { values: history.map((record) => record.testAccuracy), paint: colour.green },
    ],
    percent,
    settings,
  );
  const leftWidth = Math.max(...loss.map((line) => line.width)) + 4;
  if (leftWidth + Math.max(...accuracy.map((line) => line.width)) > (options.columns ?? 80)) {
    return [...loss, { text: '', width: 0 }, ...accuracy].map((line) => line.text).join('\n');
  }
  return loss.map((line, i) => `${line.text}${' '.repeat(leftWidth - line.width)}${accuracy[i]?.text ?? ''}`).join('\n');
}
