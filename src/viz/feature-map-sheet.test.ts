// The feature-map sheet's layout, PNG encoding round trips, and the ranking of mistakes.

import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../data/mnist.js';
import { Network } from '../models/network.js';
import { pixelAt } from './canvas.js';
import { mapScale, renderFeatureMaps } from './feature-map-sheet.js';
import { sheetColours } from './filter-sheet.js';
import { findMistakes, sampleImage } from './mistakes.js';
import { encodePng, pngDataUrl } from './png.js';

describe('renderFeatureMaps', () => {
  it('enlarges maps to about 56 pixels whatever their size', () => {
    expect([mapScale(28), mapScale(24), mapScale(12), mapScale(2), mapScale(100)]).toEqual([2, 2, 4, 28, 1]);
  });

  it('puts each row under its label and stretches every map on its own', () => {
    const canvas = renderFeatureMaps([
      { label: 'input', channels: 1, height: 2, width: 2, data: Float32Array.from([0, 1, 1, 0]) },
      { label: 'conv1', channels: 2, height: 2, width: 2, data: Float32Array.from([0, 0, 0, 4, 5, 5, 5, 5]) },
    ]);
    // margin 10; label 16 high, then a gap of 4; each 2x2 map is enlarged x28 to 56; rows 14 apart.
    const level = (x: number, y: number) => pixelAt(canvas, x, y)[0];
    expect([level(10 + 14, 30 + 14), level(10 + 42, 30 + 14), level(10 + 14, 30 + 42)]).toEqual([0, 255, 255]);
    const secondRowTop = 30 + 56 + 14 + 16 + 4;
    expect(level(10 + 42, secondRowTop + 42)).toBe(255);
    expect(level(10 + 14, secondRowTop + 14)).toBe(0);
    // The second map is constant, so it is black all over.
    expect(level(10 + 56 + 4 + 42, secondRowTop + 42)).toBe(0);
    expect([canvas.width, canvas.height]).toEqual([10 + 56 + 4 + 56 + 10, secondRowTop + 56 + 10]);
    expect(pixelAt(canvas, canvas.width - 1, canvas.height - 1)).toEqual([...sheetColours.background]);
  });

  it('wraps a layer with more maps than columns onto further lines', () => {
    const maps = { label: 'pool1', channels: 5, height: 4, width: 4, data: new Float32Array(80) };
    const oneLine = renderFeatureMaps([maps], { columns: 5 });
    const twoLines = renderFeatureMaps([maps], { columns: 3 });
    expect(twoLines.height - oneLine.height).toBe(4 * mapScale(4) + 4);
    expect(twoLines.width).toBeLessThan(oneLine.width);
  });
});

describe('encodePng', () => {
  it('round-trips RGB and grey pixels exactly', async () => {
    const rgb = { width: 2, height: 1, data: Uint8Array.from([255, 0, 0, 10, 20, 30]) };
    const decoded = await sharp(await encodePng(rgb)).raw().toBuffer({ resolveWithObject: true });
    expect([decoded.info.width, decoded.info.height, decoded.info.channels]).toEqual([2, 1, 3]);
    expect([...decoded.data]).toEqual([255, 0, 0, 10, 20, 30]);
    const greyPng = await encodePng({ width: 3, height: 1, data: Uint8Array.from([0, 128, 255]) }, 1);
    expect((await sharp(greyPng).metadata()).channels).toBe(1);
    // sharp's raw output widens grey to RGB; the one channel is read back on its own.
    expect([...(await sharp(greyPng).extractChannel(0).raw().toBuffer())]).toEqual([0, 128, 255]);
  });

  it('makes data: URLs for the report', () => {
    expect(pngDataUrl(Buffer.from([1, 2, 3]))).toBe('data:image/png;base64,AQID');
  });

  it('refuses a buffer of the wrong size', async () => {
    await expect(encodePng({ width: 2, height: 2, data: new Uint8Array(5) })).rejects.toThrow(/needs 12 bytes, got 5/);
  });
});

describe('findMistakes', () => {
  // Scores depend on the first pixel only: (0, 1, 5 * pixel). Sample 0 is right; 1 and 2 are wrong.
  const network = new Network({ input: [1, 1, 2], layers: [{ type: 'affine', units: 3 }] });
  const [weights, bias] = network.params().map((param) => param.value.data);
  weights.set([0, 0, 5, 0, 0, 0]);
  bias.set([0, 1, 0]);
  const dataset: Dataset = { count: 3, rows: 1, columns: 2, images: Uint8Array.from([255, 7, 0, 8, 128, 9]), labels: Uint8Array.from([2, 0, 1]) };

  it('lists wrong answers only, most confident first, with both probabilities', () => {
    const mistakes = findMistakes(network, dataset, 2);
    expect(mistakes.map(({ index, label, predicted }) => [index, label, predicted])).toEqual([[2, 1, 2], [1, 0, 1]]);
    const scores = [0, 1, 5 * (128 / 255)].map(Math.exp);
    const sum = scores[0] + scores[1] + scores[2];
    expect(mistakes[0].confidence).toBeCloseTo(scores[2] / sum, 5);
    expect(mistakes[0].trueProbability).toBeCloseTo(scores[1] / sum, 5);
    expect(mistakes[1].confidence).toBeCloseTo(Math.E / (2 + Math.E), 5);
  });

  it('returns a sample\'s bytes as its image', () => {
    expect(sampleImage(dataset, 2)).toEqual({ width: 2, height: 1, data: Uint8Array.from([128, 9]) });
  });
});
