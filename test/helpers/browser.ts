// Debian's headless Chromium, driven by playwright-core, with every request that is not a local file
// blocked and recorded: the report must work, and be shown to work, with no network at all.

import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Without the background-networking flags Chromium phones home at start-up, which a closed network refuses.
const flags = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(`headless Chromium not found at ${executablePath}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({ executablePath, args: flags });
}

/** Console errors and uncaught exceptions of `page`, from now on, in the array returned. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (entry) => {
    if (entry.type() === 'error') errors.push(entry.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

export interface OfflinePage {
  page: Page;
  /** Every URL the page tried to fetch that was not a local file: blocked, and kept here. */
  outside: string[];
  /** Console errors and uncaught exceptions; a blocked or refused load shows up here too. */
  errors: string[];
}

export async function openOffline(browser: Browser, file: string): Promise<OfflinePage> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const outside: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    outside.push(url);
    return route.abort('internetdisconnected');
  });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, outside, errors };
}
