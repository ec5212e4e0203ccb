// The per-class views of an evaluation as SVG: the confusion matrix as a heat map and per-class
// accuracy as a dot plot. Off-diagonal cells get their own colour scale: at 99% accuracy every mistake
// count is tiny next to the diagonal, and on one shared scale they would all look white.

import { coordinate, escapeXml, niceTicks, tickDecimals, tint } from './svg.js';

const green = [21, 128, 61] as const;
const red = [220, 38, 38] as const;
const CELL = 38;
const LABEL = 44;

/** Background of one cell: diagonal by the class's accuracy, mistakes by their share of the largest. */
export function cellColour(count: number, trueClass: number, predicted: number, rowTotal: number, largestMistake: number): string {
  if (trueClass === predicted) return tint(green, rowTotal === 0 ? 0 : count / rowTotal);
  // A single mistake is still visibly pink, not white.
  return count === 0 ? tint(red, 0) : tint(red, 0.15 + (0.85 * count) / largestMistake);
}

/** confusion[true][predicted] counts. */
export function confusionHeatMap(confusion: number[][]): string {
  const K = confusion.length;
  const size = LABEL + K * CELL + 4;
  const largestMistake = Math.max(1, ...confusion.flatMap((row, k) => row.filter((_, j) => j !== k)));
  const parts = [
    `<svg id="confusion" class="chart" viewBox="0 0 ${size} ${size + 20}" width="${size}" height="${size + 20}" role="img" aria-label="confusion matrix">`,
    `<text class="axis-label" x="${LABEL + (K * CELL) / 2}" y="12" text-anchor="middle">predicted</text>`,
    `<text class="axis-label" x="12" y="${LABEL + (K * CELL) / 2}" text-anchor="middle" transform="rotate(-90 12 ${LABEL + (K * CELL) / 2})">true</text>`,
  ];
  for (let k = 0; k < K; k++) {
    parts.push(`<text class="tick" x="${LABEL + k * CELL + CELL / 2}" y="${LABEL - 8}" text-anchor="middle">${k}</text>`);
    parts.push(`<text class="tick" x="${LABEL - 8}" y="${LABEL + k * CELL + CELL / 2}" text-anchor="end" dominant-baseline="middle">${k}</text>`);
  }
  confusion.forEach((row, trueClass) => {
    const rowTotal = row.reduce((sum, count) => sum + count, 0);
    row.forEach((count, predicted) => {
      const [x, y] = [LABEL + predicted * CELL, LABEL + trueClass * CELL];
      const fill = cellColour(count, trueClass, predicted, rowTotal, largestMistake);
      const dark = trueClass === predicted ? rowTotal > 0 && count / rowTotal > 0.5 : count / largestMistake > 0.5;
      const tooltip = `true ${trueClass}, predicted ${predicted}: ${count} of ${rowTotal}`;
      parts.push(
        `<g class="cell"><title>${tooltip}</title><rect x="${x}" y="${y}" width="${CELL}" height="${CELL}" fill="${fill}" stroke="#fff"/>` +
          `<text x="${x + CELL / 2}" y="${y + CELL / 2}" text-anchor="middle" dominant-baseline="central" class="count${dark ? ' on-dark' : ''}">${count}</text></g>`,
      );
    });
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/**
 * One row per class: a dot at its accuracy on an axis zoomed to the range the classes span, with the
 * exact share beside it. Dots rather than bars, because a bar on a zoomed axis would exaggerate.
 */
export function classAccuracyChart(confusion: number[][]): string {
  const [width, left, right, top, rowHeight] = [480, 40, 140, 30, 24];
  const classes = confusion.map((row, k) => {
    const total = row.reduce((sum, count) => sum + count, 0);
    return { correct: row[k], total, accuracy: total === 0 ? 0 : row[k] / total };
  });
  const height = top + classes.length * rowHeight + 10;
  const ticks = niceTicks(Math.min(...classes.map((entry) => entry.accuracy)), 1, 4);
  const decimals = Math.max(0, tickDecimals(ticks) - 2);
  const [low, high] = [ticks[0], ticks[ticks.length - 1]];
  const x = (value: number) => left + ((value - low) / (high - low)) * (width - left - right);
  const parts = [`<svg id="per-class" class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="accuracy per class">`];
  for (const tick of ticks) {
    parts.push(`<line class="grid" x1="${coordinate(x(tick))}" x2="${coordinate(x(tick))}" y1="${top - 6}" y2="${height - 10}"/>`);
    parts.push(`<text class="tick" x="${coordinate(x(tick))}" y="${top - 12}" text-anchor="middle">${(tick * 100).toFixed(decimals)}%</text>`);
  }
  classes.forEach(({ correct, total, accuracy }, k) => {
    const y = top + k * rowHeight + rowHeight / 2;
    const shown = `${(accuracy * 100).toFixed(2)}%`;
    parts.push(`<text class="tick" x="${left - 12}" y="${y}" text-anchor="end" dominant-baseline="middle">${k}</text>`);
    parts.push(`<line class="track" x1="${left}" x2="${width - right}" y1="${y}" y2="${y}"/>`);
    parts.push(`<circle class="dot" cx="${coordinate(x(accuracy))}" cy="${y}" r="5"><title>class ${k}: ${shown}</title></circle>`);
    parts.push(`<text class="value" x="${width - right + 10}" y="${y}" dominant-baseline="middle">${escapeXml(`${shown}  (${correct}/${total})`)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
