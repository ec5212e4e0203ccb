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
import { drawStrokes, dropFile, openServedPage, pageProbabilities } from './helpers/page.js';
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
    await expect.poll(() => page.locator('#top-digit').innerText()).toBe('7');
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

  it('gives the CLI answer for each sample image dropped on the page', async () => {
    const { page, outside, errors } = await openServedPage(browser, server.url);
    const samples = [['digit-2-dark.png', 'image/png'], ['digit-3-paper.jpg', 'image/jpeg'], ['digit-5-blue-ink.png', 'image/png'], ['digit-7-canvas.png', 'image/png']];
    for (const [name, type] of samples) {
      const { digit } = await predictJson(join('data', name));
      await page.locator('#top-digit').evaluate((element) => (element.textContent = ''));
      await dropFile(page, join('data', name), type);
      await expect.poll(() => page.locator('#top-digit').innerText(), { message: name }).toBe(String(digit));
    }
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows one error line for a bad params.json and keeps working with the model it had', async () => {
    const { page, errors } = await openServedPage(browser, server.url, { width: 390, height: 844 });
    const bad = join(work, 'bad-params.json');
    writeFileSync(bad, '{"format": "cnn-snapshot", "version": 1, "model": {"input": [1,28,28], "layers": [{"type": "convolution", "filters": 0, "size": 5}]}, "tensors": {}}');
    await dropFile(page, bad, 'application/json');
    const line = page.locator('#error-line');
    await expect.poll(() => line.isVisible()).toBe(true);
    expect(await line.innerText()).toMatch(/^cnn: bad-params\.json: layer 0[^\n]*filters[^\n]*$/);
    await drawStrokes(page, seven);
    await expect.poll(() => page.locator('#top-digit').innerText()).toBe('7');
    await page.screenshot({ path: join(screenshots, 'serve-390x844.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
