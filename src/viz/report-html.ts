// The HTML report as one self-contained string: styles inline, charts as inline SVG, pictures as data:
// URLs, and no script at all. A Content-Security-Policy that allows nothing else makes the promise
// checkable: even a stray external reference could not be fetched when the file is opened.

import type { Evaluation } from '../train/evaluate.js';
import type { EpochRecord } from '../train/train.js';
import { classAccuracyChart, confusionHeatMap } from './class-charts.js';
import { lineChart } from './line-chart.js';
import type { Mistake } from './mistakes.js';
import { reportStyle } from './report-style.js';
import { escapeXml } from './svg.js';

export interface ReportInput {
  /** Snapshot path as shown to the user. */
  snapshot: string;
  /** What the snapshot says about its run: label and value pairs, shown as given. */
  facts: [string, string][];
  history: EpochRecord[];
  evaluation: Evaluation;
  /** What was evaluated, e.g. "the 10000 MNIST test images". */
  testSet: string;
  /** PNG data: URLs of the first layer's filters after training and, when known, before. */
  filters: { trained: string; initial?: string; caption: string };
  /** The mistakes shown, most confident first, each with its image as a PNG data: URL. */
  mistakes: { image: string; mistake: Mistake }[];
  totalMistakes: number;
}

const policy = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";
const percent = (value: number, decimals: number) => `${(value * 100).toFixed(decimals)}%`;

export function renderReport(input: ReportInput): string {
  const { snapshot, evaluation } = input;
  const title = `cnn report: ${snapshot}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${policy}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeXml(title)}</title>`,
    `<style>${reportStyle}</style>`,
    '</head>',
    '<body>',
    `<header><h1>${escapeXml(snapshot)}</h1>`,
    `<p class="headline">test accuracy <strong>${percent(evaluation.accuracy, 2)}</strong> ` +
      `(${evaluation.correct}/${evaluation.total}) on ${escapeXml(input.testSet)}</p>`,
    `<dl class="facts">${input.facts.map(([label, value]) => `<dt>${escapeXml(label)}</dt><dd>${escapeXml(value)}</dd>`).join('')}</dl></header>`,
    trainingSection(input.history),
    '<section id="evaluation"><h2>Where it goes wrong</h2>',
    '<div class="row"><figure>', confusionHeatMap(evaluation.confusion),
    '<figcaption>Confusion matrix: rows are the true digit, columns the prediction. Green: share of the class ' +
      'recognised; red: mistakes, shaded relative to the most common one.</figcaption></figure>',
    '<figure>', classAccuracyChart(evaluation.confusion), '<figcaption>Accuracy per class.</figcaption></figure></div></section>',
    filtersSection(input.filters),
    gallerySection(input.mistakes, input.totalMistakes),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function trainingSection(history: EpochRecord[]): string {
  const heading = '<section id="training"><h2>Training curves</h2>';
  if (history.length === 0) {
    return `${heading}<p class="empty">This snapshot records no training history, so there are no curves to draw.</p></section>`;
  }
  const loss = lineChart({
    id: 'loss-chart', title: 'Training loss per epoch (mean cross-entropy)', fromZero: true,
    series: [{ name: 'loss', colour: '#d97706', values: history.map((record) => record.trainLoss) }],
    format: (value, decimals) => value.toFixed(decimals),
  });
  const validated = history.every((record) => record.validationAccuracy !== undefined);
  const accuracy = lineChart({
    id: 'accuracy-chart', title: 'Accuracy per epoch',
    series: [
      { name: 'train', colour: '#0891b2', values: history.map((record) => record.trainAccuracy) },
      { name: 'test', colour: '#16a34a', values: history.map((record) => record.testAccuracy) },
      // Only a run with --validation has these; every record has one then.
      ...(validated ? [{ name: 'validation', colour: '#7c3aed', values: history.map((record) => record.validationAccuracy!) }] : []),
    ],
    format: (value, decimals) => percent(value, Math.max(0, decimals - 2)),
  });
  return `${heading}<div class="row">${loss}${accuracy}</div>` +
    '<p class="note">Train accuracy is the running accuracy over each epoch\'s batches as they were learned; ' +
    'test accuracy is measured after the epoch' +
    (validated ? '; validation accuracy is on the training images held out by --validation, which chose the epoch this snapshot keeps' : '') +
    '.</p></section>';
}

function filtersSection(filters: ReportInput['filters']): string {
  const before = filters.initial === undefined ? '' :
    `<figure><img class="filters" src="${filters.initial}" alt="first layer filters before training"><figcaption>Before training</figcaption></figure>`;
  return '<section id="filters"><h2>What the first layer looks for</h2><div class="row">' + before +
    `<figure><img class="filters" src="${filters.trained}" alt="first layer filters after training"><figcaption>After training</figcaption></figure>` +
    `</div><p class="note">${escapeXml(filters.caption)}</p></section>`;
}

function gallerySection(mistakes: ReportInput['mistakes'], total: number): string {
  const heading = '<section id="mistakes"><h2>Mistakes, most confident first</h2>';
  if (total === 0) return `${heading}<p class="empty">No mistakes on this test set.</p></section>`;
  if (mistakes.length === 0) return `${heading}<p class="empty">${total} mistakes, none shown (--mistakes 0).</p></section>`;
  const shown = mistakes.length < total ? `the ${mistakes.length} most confident of ${total} mistakes` : `all ${total} mistakes`;
  const figures = mistakes.map(({ image, mistake }) => {
    const { index, label, predicted, confidence, trueProbability } = mistake;
    const tooltip = `test image ${index}: true ${label}, predicted ${predicted} with ${percent(confidence, 1)}; ${label} got ${percent(trueProbability, 1)}`;
    return `<figure class="mistake" title="${escapeXml(tooltip)}"><img src="${image}" width="84" height="84" alt="test image ${index}">` +
      `<figcaption><span class="true">true ${label}</span> <span class="predicted">&rarr; ${predicted}</span>` +
      `<span class="confidence">${percent(confidence, 1)}</span></figcaption></figure>`;
  });
  return `${heading}<p class="note">Showing ${shown}. The images are the 28x28 inputs exactly as the network saw them.</p>` +
    `<div class="gallery">${figures.join('')}</div></section>`;
}
