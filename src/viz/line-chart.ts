// A line chart per training curve (loss; train and test accuracy), one point per epoch, as SVG. Every
// point carries a <title>, so hovering shows its exact value without any script.

import { coordinate, escapeXml, niceTicks, tickDecimals } from './svg.js';

export interface Series {
  name: string;
  /** CSS colour. */
  colour: string;
  /** One value per epoch, epoch 1 first. */
  values: number[];
}

export interface LineChartOptions {
  id: string;
  title: string;
  series: Series[];
  /** Formats a value for tick labels and tooltips, given the decimals the ticks need. */
  format: (value: number, decimals: number) => string;
  /** Start the value axis at zero (loss), rather than near the smallest value (accuracy). */
  fromZero?: boolean;
}

export const chartSize = { width: 480, height: 300, left: 64, right: 16, top: 40, bottom: 44 };

/** Maps epoch 1..epochs to x: the first at the left edge of the plot, the last at its right edge. */
export function epochX(epoch: number, epochs: number): number {
  const { width, left, right } = chartSize;
  const plotWidth = width - left - right;
  return epochs === 1 ? left + plotWidth / 2 : left + ((epoch - 1) / (epochs - 1)) * plotWidth;
}

export function lineChart(options: LineChartOptions): string {
  const { id, title, series, format } = options;
  const { width, height, left, right, top, bottom } = chartSize;
  const epochs = Math.max(...series.map((line) => line.values.length));
  if (epochs < 1) throw new RangeError(`lineChart ${id}: no values to draw`);
  const values = series.flatMap((line) => line.values);
  const ticks = niceTicks(options.fromZero ? Math.min(0, ...values) : Math.min(...values), Math.max(...values));
  const decimals = tickDecimals(ticks);
  const [low, high] = [ticks[0], ticks[ticks.length - 1]];
  const plotHeight = height - top - bottom;
  const y = (value: number) => top + (1 - (value - low) / (high - low)) * plotHeight;
  const parts: string[] = [
    `<svg id="${escapeXml(id)}" class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(title)}">`,
    `<text class="chart-title" x="${left}" y="20">${escapeXml(title)}</text>`,
  ];
  for (const tick of ticks) {
    const tickY = coordinate(y(tick));
    parts.push(`<line class="grid" x1="${left}" x2="${width - right}" y1="${tickY}" y2="${tickY}"/>`);
    parts.push(`<text class="tick" x="${left - 8}" y="${tickY}" text-anchor="end" dominant-baseline="middle">${escapeXml(format(tick, decimals))}</text>`);
  }
  for (const epoch of epochTicks(epochs)) {
    parts.push(`<text class="tick" x="${coordinate(epochX(epoch, epochs))}" y="${height - bottom + 18}" text-anchor="middle">${epoch}</text>`);
  }
  parts.push(`<text class="axis-label" x="${left + (width - left - right) / 2}" y="${height - 6}" text-anchor="middle">epoch</text>`);
  series.forEach((line, index) => {
    const points = line.values.map((value, i) => [epochX(i + 1, epochs), y(value)] as const);
    const path = points.map(([x, pointY]) => `${coordinate(x)},${coordinate(pointY)}`).join(' ');
    parts.push(`<polyline class="series" data-series="${escapeXml(line.name)}" fill="none" stroke="${line.colour}" stroke-width="2" points="${path}"/>`);
    points.forEach(([x, pointY], i) => {
      const tooltip = `epoch ${i + 1}: ${line.name} ${format(line.values[i], decimals + 2)}`;
      parts.push(`<circle cx="${coordinate(x)}" cy="${coordinate(pointY)}" r="3.5" fill="${line.colour}"><title>${escapeXml(tooltip)}</title></circle>`);
    });
    // One series needs no legend: the title names it.
    if (series.length === 1) return;
    const legendX = width - right - 80 * (series.length - index);
    parts.push(`<rect x="${legendX}" y="11" width="14" height="4" fill="${line.colour}"/>`);
    parts.push(`<text class="legend" x="${legendX + 20}" y="17" dominant-baseline="middle">${escapeXml(line.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Epoch numbers to label: all of them up to 10, else about ten round ones. */
function epochTicks(epochs: number): number[] {
  if (epochs <= 10) return Array.from({ length: epochs }, (_, i) => i + 1);
  const step = niceTicks(0, epochs, 8)[1];
  const ticks = [1];
  for (let epoch = step; epoch <= epochs; epoch += step) ticks.push(epoch);
  return ticks;
}
