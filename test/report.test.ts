// `cnn report` end to end: the built CLI writes report.html for a freshly trained snapshot, then
// headless Chromium opens it from disk with every non-file request blocked. The charts and gallery
// must be there and drawn, nothing may have tried to leave the page, and a screenshot is kept.

import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openOffline } from './helpers/browser.js';
import { runCli } from './helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'cnn-report-'));
const snapshot = join(work, 'net.json');
const report = join(work, 'report.html');
const screenshots = process.env.CNN_SCREENSHOTS ?? work;
let browser: Browser;
let summary = '';

beforeAll(async () => {
  const trained = await runCli(['train', '--epochs', '2', '--train-limit', '1000', '--test-limit', '200', '--out', snapshot, '--no-progress']);
  expect(trained.exitCode).toBe(0);
  const written = await runCli(['report', snapshot, '-o', report, '--limit', '400', '--mistakes', '24']);
  expect(written.stderr).toBe(`using ${snapshot}\n`);
  expect(written.exitCode).toBe(0);
  summary = written.stdout;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('cnn report', () => {
  it('says what it wrote', () => {
    expect(summary).toMatch(/^wrote .*report\.html: test accuracy \d+\.\d\d% on 400 images, \d+ mistakes \(24 shown\), 2 epochs of history, \d+ KB\n$/);
  });

  it('opens offline in Chromium with its charts, filters and gallery drawn, and no request leaving the page', async () => {
    const { page, outside, errors } = await openOffline(browser, report);
    const count = (selector: string) => page.locator(selector).count();
    expect(await count('#loss-chart polyline')).toBe(1);
    expect(await count('#accuracy-chart polyline')).toBe(2);
    expect(await count('#accuracy-chart circle')).toBe(4);
    expect(await count('#confusion .cell')).toBe(100);
    expect(await count('#per-class .dot')).toBe(10);
    expect(await count('#mistakes figure.mistake')).toBe(24);
    await expect(page.locator('#mistakes figure.mistake').first().locator('figcaption').innerText()).resolves.toMatch(/true \d → \d\s*\d+\.\d%/);
    // Decoded, not merely present: a broken data: URL gives an image of width 0.
    const imageWidths = await page.locator('img').evaluateAll((images) => images.map((image) => (image as HTMLImageElement).naturalWidth));
    expect(imageWidths).toHaveLength(2 + 24);
    expect(imageWidths.slice(2)).toEqual(new Array(24).fill(28));
    expect(Math.min(...imageWidths.slice(0, 2))).toBeGreaterThan(200);
    for (const chart of ['#loss-chart', '#accuracy-chart', '#confusion', '#per-class']) {
      const box = await page.locator(chart).boundingBox();
      expect(box?.width, chart).toBeGreaterThan(200);
      expect(box?.height, chart).toBeGreaterThan(150);
    }
    const shot = join(screenshots, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.info(`report screenshot: ${shot}`);
    expect(statSync(shot).size).toBeGreaterThan(50_000);
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('would notice a request leaving the page (the guard is live)', async () => {
    const leaky = join(work, 'leaky.html');
    writeFileSync(leaky, '<!DOCTYPE html><img src="http://127.0.0.1:9/pixel.png">');
    const { page, outside, errors } = await openOffline(browser, leaky);
    expect(outside).toEqual(['http://127.0.0.1:9/pixel.png']);
    expect(errors.length).toBeGreaterThan(0);
    await page.context().close();
  });
});
