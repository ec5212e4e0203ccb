// The page of `cnn serve` in headless Chromium, with every request to any origin but the server's
// aborted and recorded (the page must make none), console errors kept, and helpers that act as a
// user: draw with real mouse events, drop a file on the page.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { collectErrors } from './browser.js';

export interface ServedPage {
  page: Page;
  /** Every URL requested from another origin: blocked, and kept here. */
  outside: string[];
  errors: string[];
}

export interface PageOptions {
  viewport?: { width: number; height: number };
  /** Strip the COOP/COEP headers from every answer, as a server that does not send them would. */
  withoutIsolation?: boolean;
  /** Ignore the page's Content-Security-Policy, to show the request counter itself works. */
  bypassCSP?: boolean;
  /** A touch screen, as on a phone. */
  hasTouch?: boolean;
}

export async function openServedPage(browser: Browser, url: string, options: PageOptions = {}): Promise<ServedPage> {
  const { viewport = { width: 1280, height: 800 }, withoutIsolation = false, bypassCSP = false, hasTouch = false } = options;
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, bypassCSP, hasTouch });
  const origin = new URL(url).origin;
  const outside: string[] = [];
  await context.route('**/*', async (route) => {
    const requested = route.request().url();
    if (new URL(requested).origin === origin && !withoutIsolation) return route.continue();
    if (new URL(requested).origin === origin) {
      const response = await route.fetch();
      const headers = { ...response.headers() };
      delete headers['cross-origin-opener-policy'];
      delete headers['cross-origin-embedder-policy'];
      return route.fulfill({ response, headers });
    }
    outside.push(requested);
    return route.abort('internetdisconnected');
  });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(url);
  await page.locator('body[data-ready="true"]').waitFor({ timeout: 20_000 });
  return { page, outside, errors };
}

/** Strokes in pad coordinates (0..1 of its side), drawn with mouse moves in small steps. */
export async function drawStrokes(page: Page, strokes: [number, number][][]): Promise<void> {
  const box = await page.locator('#pad').boundingBox();
  if (box === null) throw new Error('the pad is not visible');
  const at = ([x, y]: [number, number]): [number, number] => [box.x + x * box.width, box.y + y * box.height];
  for (const stroke of strokes) {
    await page.mouse.move(...at(stroke[0]));
    await page.mouse.down();
    for (const point of stroke.slice(1)) await page.mouse.move(...at(point), { steps: 8 });
    await page.mouse.up();
  }
}

/** The same strokes with a finger: touch events through the DevTools protocol, as a touch screen sends them. */
export async function touchStrokes(page: Page, strokes: [number, number][][]): Promise<void> {
  const box = await page.locator('#pad').boundingBox();
  if (box === null) throw new Error('the pad is not visible');
  const session = await page.context().newCDPSession(page);
  const point = ([x, y]: [number, number]) => ({ x: box.x + x * box.width, y: box.y + y * box.height });
  for (const stroke of strokes) {
    await session.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [point(stroke[0])] });
    for (let index = 1; index < stroke.length; index++) {
      for (let step = 1; step <= 8; step++) {
        const [x0, y0] = stroke[index - 1];
        const [x1, y1] = stroke[index];
        await session.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [point([x0 + ((x1 - x0) * step) / 8, y0 + ((y1 - y0) * step) / 8])] });
      }
    }
    await session.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  }
  await session.detach();
}

/** Drops a file from disk on the page as a drag from the desktop would. */
export async function dropFile(page: Page, path: string, type: string): Promise<void> {
  const bytes = [...readFileSync(path)];
  const dataTransfer = await page.evaluateHandle(
    ({ bytes, name, type }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(bytes)], name, { type }));
      return transfer;
    },
    { bytes, name: basename(path), type },
  );
  await page.dispatchEvent('main', 'drop', { dataTransfer });
}

/** The page's ten probabilities, exactly as it computed them. */
export async function pageProbabilities(page: Page): Promise<number[]> {
  return page.locator('#bars li').evaluateAll((rows) => rows.map((row) => Number((row as HTMLElement).dataset.probability)));
}
