// Training in the page of `cnn serve`, in headless Chromium: one short epoch on 2 threads (the
// training worker and one Web Worker of the kernel pool, over shared memory) lowers the loss, and
// the snapshot it downloads passes `cnn eval` and holds the very weights `cnn train` computes with
// the same settings on 2 threads.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './helpers/browser.js';
import { runCli } from './helpers/cli.js';
import { openServedPage } from './helpers/page.js';
import { startServe, type ServingCli } from './helpers/serve.js';

const work = mkdtempSync(join(tmpdir(), 'cnn-page-train-'));
const screenshots = process.env.CNN_SCREENSHOTS ?? work;
let browser: Browser;
let server: ServingCli;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchChromium(), startServe()]);
});

afterAll(async () => {
  await Promise.all([browser?.close(), server?.stop()]);
});

describe('cnn serve: training in the page', () => {
  it('trains 500 images on 2 threads, paused and resumed, to the weights cnn train computes, and the snapshot passes cnn eval', async () => {
    const { page, outside, errors } = await openServedPage(browser, server.url);
    const settings = { 'train-epochs': '1', 'train-batch-size': '50', 'train-seed': '3', 'train-limit': '500', 'train-test-limit': '200' };
    for (const [id, value] of Object.entries(settings)) await page.fill(`#${id}`, value);
    await page.selectOption('#train-model', 'simple');
    await page.selectOption('#train-threads', '2');
    await page.click('#train-start');
    // Paused at once, so before a step or in the first few; resumed, the run must end as if never paused.
    await page.click('#train-pause');
    await expect.poll(() => page.locator('#train-pause').innerText(), { timeout: 30_000 }).toBe('Resume');
    expect(await page.locator('#train-progress').innerText()).toMatch(/paused$/);
    await page.click('#train-pause');
    await page.locator('#train-progress[data-finished="true"]').waitFor({ timeout: 90_000 });
    const progress = await page.locator('#train-progress').innerText();
    expect(progress).toMatch(/^finished: epoch 1\/1 · batch 10\/10 · loss \d\.\d{4} · train \d+\.\d% · \d+ images\/s · 2 threads$/);
    const losses: number[] = JSON.parse((await page.locator('#loss-chart').getAttribute('data-losses')) ?? '[]');
    expect(losses).toHaveLength(10);
    // The book's 0.01 initialisation starts every batch near ln 10 = 2.303 and learns slowly at first:
    // ten Adam steps take it about 0.1 lower, far beyond the batch-to-batch noise at that point.
    expect(losses[0]).toBeCloseTo(Math.log(10), 1);
    expect(losses.at(-1)).toBeLessThan(losses[0] - 0.05);
    expect(await page.locator('#train-filters canvas').count()).toBe(30);
    expect(await page.locator('#epoch-list li').innerText()).toMatch(/^epoch 1: loss \d\.\d{4}, train \d+\.\d\d%, test \d+\.\d\d%, \d+\.\d s$/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#train-download')]);
    const downloaded = join(work, 'browser.json');
    await download.saveAs(downloaded);
    await page.locator('#train-card').screenshot({ path: join(screenshots, 'serve-train.png') });
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();

    const evaluated = await runCli(['eval', downloaded, '--limit', '200', '--json']);
    expect(evaluated.exitCode).toBe(0);
    expect(JSON.parse(evaluated.stdout).total).toBe(200);
    const cli = join(work, 'cli.json');
    const trained = await runCli(['train', '--epochs', '1', '--batch-size', '50', '--seed', '3', '--train-limit', '500', '--test-limit', '200', '--threads', '2', '--out', cli, '--no-progress']);
    expect(trained.exitCode).toBe(0);
    const tensors = (file: string) => JSON.parse(readFileSync(file, 'utf8')).tensors;
    expect(Object.keys(tensors(downloaded))).toEqual(['conv1.W', 'conv1.b', 'affine1.W', 'affine1.b', 'affine2.W', 'affine2.b']);
    expect(tensors(downloaded)).toEqual(tensors(cli));
    // One thread sums some products in another order: its last bits differ, so the equality above
    // shows the page really split the work as 2 threads do.
    const single = join(work, 'cli-1.json');
    expect((await runCli(['train', '--epochs', '1', '--batch-size', '50', '--seed', '3', '--train-limit', '500', '--test-limit', '200', '--threads', '1', '--out', single, '--no-progress'])).exitCode).toBe(0);
    expect(tensors(single)['conv1.W'].sha256).not.toBe(tensors(downloaded)['conv1.W'].sha256);
    const metadata = JSON.parse(readFileSync(downloaded, 'utf8')).metadata;
    expect(metadata.history[0].testAccuracy).toBe(JSON.parse(readFileSync(cli, 'utf8')).metadata.history[0].testAccuracy);
  });
});
