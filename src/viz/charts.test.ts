// The report's SVG charts and HTML, read back as text: ticks, point positions, cell colours, escaping.

import { describe, expect, it } from 'vitest';
import { cellColour, classAccuracyChart, confusionHeatMap } from './class-charts.js';
import { chartSize, epochX, lineChart } from './line-chart.js';
import { renderReport, type ReportInput } from './report-html.js';
import { escapeXml, niceTicks, tint } from './svg.js';

describe('svg helpers', () => {
  it('chooses round ticks covering the range', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.63, 0.9)).toEqual([0.6, 0.7, 0.8, 0.9]);
    expect(niceTicks(0.9712, 0.9905)).toEqual([0.97, 0.975, 0.98, 0.985, 0.99, 0.995]);
    expect(niceTicks(0.0312, 1.3474)).toEqual([0, 0.5, 1, 1.5]);
    expect(niceTicks(0.9, 0.9)).toEqual([0.8, 0.85, 0.9, 0.95, 1]);
  });

  it('escapes markup in text from a snapshot', () => {
    expect(escapeXml(`<img src="x" onerror='y'>&`)).toBe('&#60;img src=&#34;x&#34; onerror=&#39;y&#39;&#62;&#38;');
  });

  it('tints from white to the full colour', () => {
    expect([tint([0, 100, 200], 0), tint([0, 100, 200], 1), tint([0, 100, 200], 0.5)]).toEqual(['rgb(255,255,255)', 'rgb(0,100,200)', 'rgb(128,178,228)']);
  });
});

describe('lineChart', () => {
  const svg = lineChart({
    id: 'loss-chart', title: 'loss', fromZero: true,
    series: [{ name: 'loss', colour: '#d97706', values: [1, 0.5, 0] }],
    format: (value, decimals) => value.toFixed(decimals),
  });

  it('spreads epochs across the plot and maps values onto the ticks', () => {
    const { width, height, left, right, top, bottom } = chartSize;
    const points = /points="([^"]+)"/.exec(svg)?.[1].split(' ').map((point) => point.split(',').map(Number));
    expect(points).toEqual([[left, top], [(left + width - right) / 2, (top + height - bottom) / 2], [width - right, height - bottom]]);
    expect(epochX(1, 1)).toBe((left + width - right) / 2);
  });

  it('labels ticks and gives every point a tooltip', () => {
    for (const tick of ['0.0', '0.2', '1.0']) expect(svg).toContain(`>${tick}</text>`);
    expect(svg).toContain('<title>epoch 2: loss 0.500</title>');
    expect(svg.match(/<circle /g)).toHaveLength(3);
  });
});

describe('confusion heat map and per-class accuracy', () => {
  const confusion = [[8, 2, 0], [0, 10, 0], [1, 4, 5]];

  it('colours the diagonal by accuracy and mistakes relative to the largest', () => {
    expect(cellColour(8, 0, 0, 10, 4)).toBe(tint([21, 128, 61], 0.8));
    expect(cellColour(4, 2, 1, 10, 4)).toBe(tint([220, 38, 38], 1));
    expect(cellColour(1, 2, 0, 10, 4)).toBe(tint([220, 38, 38], 0.15 + 0.85 / 4));
    expect(cellColour(0, 1, 0, 10, 4)).toBe('rgb(255,255,255)');
  });

  it('draws one cell per pair with its count', () => {
    const svg = confusionHeatMap(confusion);
    expect(svg.match(/<g class="cell">/g)).toHaveLength(9);
    expect(svg).toContain('<title>true 2, predicted 1: 4 of 10</title>');
  });

  it('puts each class on a zoomed axis ending at 100%', () => {
    const svg = classAccuracyChart(confusion);
    expect(svg).toContain('50.00%  (5/10)');
    expect(svg).toContain('>100%</text>');
    expect(svg.match(/class="dot"/g)).toHaveLength(3);
  });
});

describe('renderReport', () => {
  const input: ReportInput = {
    snapshot: 'params/<b>net</b>.json',
    facts: [['model', 'simple'], ['optimizer', 'adam lr 0.001']],
    history: [
      { epoch: 1, trainLoss: 0.5, trainAccuracy: 0.85, testAccuracy: 0.9, seconds: 1 },
      { epoch: 2, trainLoss: 0.2, trainAccuracy: 0.95, testAccuracy: 0.96, seconds: 1 },
    ],
    evaluation: { accuracy: 0.9, correct: 18, total: 20, perClass: [1, 0.8], confusion: [[10, 0], [2, 8]] },
    testSet: 'the first 20 MNIST test images',
    filters: { trained: 'data:image/png;base64,AAAA', initial: 'data:image/png;base64,BBBB', caption: 'conv1' },
    mistakes: [{ image: 'data:image/png;base64,CCCC', mistake: { index: 13, label: 1, predicted: 0, confidence: 0.75, trueProbability: 0.25 } }],
    totalMistakes: 2,
  };
  const html = renderReport(input);

  it('draws validation accuracy only for a run that has it', () => {
    expect(html).not.toContain('validation');
    const validated = renderReport({ ...input, history: input.history.map((record, i) => ({ ...record, validationAccuracy: 0.8 + i / 10 })) });
    expect(validated).toContain('data-series="validation"');
    expect(validated).toMatch(/<title>epoch 2: validation 90\.0*%<\/title>/);
    expect(validated).toContain('chose the epoch this snapshot keeps');
  });

  it('holds every section, with the charts inline', () => {
    for (const id of ['loss-chart', 'accuracy-chart', 'confusion', 'per-class']) expect(html).toContain(`<svg id="${id}"`);
    expect(html).toContain('src="data:image/png;base64,AAAA"');
    expect(html).toContain('src="data:image/png;base64,BBBB"');
    expect(html).toContain('Showing the 1 most confident of 2 mistakes');
    expect(html).toContain('<span class="predicted">&rarr; 0</span><span class="confidence">75.0%</span>');
  });

  it('loads nothing from outside: no script, no external URL, a policy that forbids both', () => {
    expect(html).not.toMatch(/<script|<link|https?:\/\//);
    expect(html).toContain(`content="default-src 'none'; img-src data:; style-src 'unsafe-inline'"`);
  });

  it('escapes the snapshot name', () => {
    expect(html).toContain('<h1>params/&#60;b&#62;net&#60;/b&#62;.json</h1>');
    expect(html).not.toContain('<b>net</b>');
  });

  it('says so when there is no history or no mistake', () => {
    const bare = renderReport({ ...input, history: [], mistakes: [], totalMistakes: 0, filters: { trained: 'data:,', caption: '' } });
    expect(bare).toContain('records no training history');
    expect(bare).toContain('No mistakes on this test set');
    expect(bare).not.toContain('Before training');
    expect(renderReport({ ...input, mistakes: [] })).toContain('2 mistakes, none shown (--mistakes 0)');
  });
});
