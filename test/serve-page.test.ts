// The page of `cnn serve` in a real browser: a digit drawn with mouse events is classified as
// `cnn predict --json` classifies the canvas's PNG, to the last bit; the sample images dropped on the
// page get the CLI's answers; a bad params.json gives one line and the page keeps working; and the
// page asks nothing of any host but the server. Screenshots at desktop and phone size are kept.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './helpers/browser.js';
import { runCli } from './helpers/cli.js';
import { drawStrokes, dropFile, openServedPage, pageProbabilities, touchStrokes } from './helpers/page.js';
import { startServe, type ServingCli } from './helpers/serve.js';

const work = mkdtempSync(join(tmpdir(), 'cnn-page-'));
const screenshots = process.env.CNN_SCREENSHOTS ?? work;
let browser: Browser;
let server: ServingCli;

// A 7: the bar, then the stem down to the left.
const seven: [number, number][][] = [[[0.28, 0.22], [0.72, 0.22], [0.45, 0.82]]];

beforeAll(async () => {
  [browser, server] = await Promise.all([launchChromium(), startServe()]);
});

afterAll(async () => {
  await Promise.all([browser?.close(), server?.stop()]);
});

async function predictJson(file: string): Promise<{ digit: number; probabilities: number[] }> {
  const { stdout, exitCode } = await runCli(['predict', file, '--json']);
  expect(exitCode).toBe(0);
  return JSON.parse(stdout)[0];
}

describe('cnn serve: the page', () => {
  it('classifies a digit drawn with the mouse exactly as cnn predict --json classifies the canvas PNG', async () => {
    const { page, outside, errors } = await openServedPage(browser, server.url);
    await drawStrokes(page, seven);
    await expect.poll(() => page.locator('#top-digit').innerText(), { timeout: 10_000 }).toBe('7');
    const probabilities = await pageProbabilities(page);
    const png = await page.locator('#pad').evaluate((canvas) => (canvas as HTMLCanvasElement).toDataURL('image/png'));
    const file = join(work, 'drawn-7.png');
    writeFileSync(file, Buffer.from(png.split(',')[1], 'base64'));
    const cli = await predictJson(file);
    expect(cli.digit).toBe(7);
    expect(probabilities).toEqual(cli.probabilities);
    await page.screenshot({ path: join(screenshots, 'serve-1280x800.png') });
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('takes a clicked conv unit apart into im2col-row-times-filter products that add up to its value', async () => {
    const { page, outside, errors } = await openServedPage(browser, server.url);
    await drawStrokes(page, seven);
    await expect.poll(() => page.locator('#top-digit').innerText(), { timeout: 10_000 }).toBe('7');
    // Every layer of the simple net, then the softmax, each with its shape.
    const headings = await page.locator('#layers .layer-row h3').allInnerTexts();
    expect(headings.map((text) => text.split(' ')[0])).toEqual(['conv1', 'relu1', 'pool1', 'affine1', 'relu2', 'affine2', 'softmax']);
    expect(headings[0]).toContain('[30,24,24]');
    expect(await page.locator('#layers .layer-row').first().locator('canvas').count()).toBe(30);
    const tile = page.locator('canvas[data-layer="0"][data-map="3"]');
    const box = await tile.boundingBox();
    if (box === null) throw new Error('conv1 map 3 is not visible');
    // Row 10, column 12 of the 24x24 map: the middle of that pixel.
    await page.mouse.click(box.x + (12.5 / 24) * box.width, box.y + (10.5 / 24) * box.height);
    await expect.poll(() => page.locator('#unit-detail h3').innerText(), { timeout: 10_000 }).toMatch(/^conv1 map 3, row 10, column 12: -?\d+\.\d{4}$/);
    const products = await page.locator('#unit-detail .terms li').evaluateAll((items) => items.map((item) => Number((item as HTMLElement).dataset.product)));
    expect(products).toHaveLength(25);
    const sum = page.locator('#unit-detail .unit-sum');
    const bias = Number(await sum.getAttribute('data-bias'));
    const value = Number(await sum.getAttribute('data-value'));
    // The layer sums its 25 float32 products in its own order and precision; this sum is float64.
    // Float32 rounding bounds the difference by 25 ulps of the largest partial sum: 1e-5 of the terms' size.
    const size = products.reduce((total, product) => total + Math.abs(product), Math.abs(bias));
    expect(Math.abs(products.reduce((total, product) => total + product, bias) - value)).toBeLessThanOrEqual(1e-5 * size);
    expect(products.some((product) => product !== 0)).toBe(true);
    // The geometry panel: the book's formula, and the library's error when it does not divide.
    await page.fill('#geometry-stride', '2');
    expect(await page.locator('#geometry-result').innerText()).toBe('cnn: conv: output size (28 + 2*0 - 5) / 2 + 1 = 12.5 is not an integer');
    await page.fill('#geometry-pad', '1');
    await page.fill('#geometry-filter', '4');
    expect(await page.locator('#geometry-result').innerText()).toBe('OH = (H + 2P − FH) / S + 1 = (28 + 2·1 − 4) / 2 + 1 = 14');
    await page.screenshot({ path: join(screenshots, 'serve-inside-1280.png'), fullPage: true });
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('draws with a finger on a touch screen as with a mouse, and undo takes the stroke back', async () => {
    const { page, errors } = await openServedPage(browser, server.url, { viewport: { width: 390, height: 844 }, hasTouch: true });
    await touchStrokes(page, seven);
    await expect.poll(() => page.locator('#top-digit').innerText(), { timeout: 10_000 }).toBe('7');
    await page.locator('#undo').click();
    await expect.poll(() => page.locator('#top-digit').innerText(), { timeout: 10_000 }).toBe('–');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('gives the CLI answer for each sample image dropped on the page', async () => {
    const { page, outside, errors } = await openServedPage(browser, server.url);
    const samples = [['digit-2-dark.png', 'image/png'], ['digit-3-paper.jpg', 'image/jpeg'], ['digit-5-blue-ink.png', 'image/png'], ['digit-7-canvas.png', 'image/png']];
    for (const [name, type] of samples) {
      const { digit } = await predictJson(join('data', name));
      await page.locator('#top-digit').evaluate((element) => (element.textContent = ''));
      await dropFile(page, join('data', name), type);
      await expect.poll(() => page.locator('#top-digit').innerText(), { message: name, timeout: 10_000 }).toBe(String(digit));
    }
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('without the isolation headers runs on one thread, says so, and still predicts', async () => {
    const { page, outside, errors } = await openServedPage(browser, server.url, { withoutIsolation: true });
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    // Chromium still makes a shared WebAssembly memory for one thread, so the kernels stay WebAssembly.
    expect(await page.locator('#status').innerText()).toMatch(/^kernels: wasm-(relaxed-)?simd · not cross-origin isolated: one thread$/);
    expect(await page.locator('#train-threads option').allInnerTexts()).toEqual(['1']);
    expect(await page.locator('#train-note').innerText()).toMatch(/not cross-origin isolated.*one thread/);
    await drawStrokes(page, seven);
    await expect.poll(() => page.locator('#top-digit').innerText(), { timeout: 10_000 }).toBe('7');
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows one error line for a bad params.json and keeps working with the model it had', async () => {
    const { page, errors } = await openServedPage(browser, server.url, { viewport: { width: 390, height: 844 } });
    const bad = join(work, 'bad-params.json');
    writeFileSync(bad, '{"format": "cnn-snapshot", "version": 1, "model": {"input": [1,28,28], "layers": [{"type": "convolution", "filters": 0, "size": 5}]}, "tensors": {}}');
    await dropFile(page, bad, 'application/json');
    const line = page.locator('#error-line');
    await expect.poll(() => line.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await line.innerText()).toMatch(/^cnn: bad-params\.json: layer 0[^\n]*filters[^\n]*$/);
    await drawStrokes(page, seven);
    await expect.poll(() => page.locator('#top-digit').innerText(), { timeout: 10_000 }).toBe('7');
    await page.screenshot({ path: join(screenshots, 'serve-390x844.png') });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('refuses a bad pasted model file or setting with one line, before any training', async () => {
    const { page, errors } = await openServedPage(browser, server.url);
    await page.selectOption('#train-model', 'model file');
    await page.fill('#train-model-text', '[{"type": "convolution", "filters": 4, "size": 5, "stride": 2}, {"type": "affine", "units": 10}]');
    await page.click('#train-start');
    await expect.poll(() => page.locator('#error-line').innerText(), { timeout: 10_000 }).toBe(
      'cnn: model file: layer 0: conv1 (height): output size (28 + 2*0 - 5) / 2 + 1 = 12.5 is not an integer',
    );
    await page.selectOption('#train-model', 'simple');
    await page.fill('#train-epochs', '0');
    await page.click('#train-start');
    await expect.poll(() => page.locator('#error-line').innerText(), { timeout: 10_000 }).toBe('cnn: epochs: must be a positive integer, got "0"');
    expect(await page.locator('#train-start').isEnabled()).toBe(true);
    expect(await page.locator('#train-progress').innerText()).toBe('Not started.');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('would count a request to another host (the counter is live; the CSP alone blocks it otherwise)', async () => {
    const { page, outside } = await openServedPage(browser, server.url, { bypassCSP: true });
    await page.evaluate(() => fetch('http://192.0.2.1/probe').catch(() => undefined));
    expect(outside).toEqual(['http://192.0.2.1/probe']);
    await page.context().close();
  });
});
