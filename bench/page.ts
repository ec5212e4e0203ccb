// `npm run bench:page`: the page of `cnn serve` in headless Chromium, timed as a user meets it, and
// printed as JSON: how soon the page is ready (pad usable, default model loaded), how long one
// prediction takes while drawing, and the in-page training step of the default net next to
// `npm run bench`'s step on the same thread count, both measured in this one run.
// `-- --threads N` (default 2), `-- --steps N` training steps timed per round (default 30),
// `-- --rounds R` (default 3).

import { execFileSync, spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { chromium, type Page } from 'playwright-core';
import { median } from './layers.js';

const threads = Number(valueOf('--threads') ?? 2);
const steps = Number(valueOf('--steps') ?? 30);
const warmup = 5;
const rounds = Number(valueOf('--rounds') ?? 3);
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const flags = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function valueOf(flag: string): string | undefined {
  const index = process.argv.indexOf(flag);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const percentile = (values: number[], share: number): number => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(share * values.length))];
const round = (value: number): number => Number(value.toFixed(2));

const load = { before: loadavg()[0] };
const server = spawn(process.execPath, ['bin/cnn.cjs', 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
const url = await new Promise<string>((resolve, reject) => {
  let text = '';
  server.stdout.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    const match = /^(http:\/\/\S+)\n/m.exec(text);
    if (match) resolve(match[1]);
  });
  server.on('exit', () => reject(new Error('cnn serve ended before it printed its URL')));
});
const browser = await chromium.launch({ executablePath, args: flags });

async function freshPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(url);
  await page.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
  return page;
}

try {
  // Ready: from the start of navigation to the pad usable with the default model loaded, in a new
  // browser context each time (nothing cached).
  const ready: number[] = [];
  for (let run = 0; run < 5; run++) {
    const page = await freshPage();
    ready.push(Number(await page.evaluate(() => document.body.dataset.readyMilliseconds)));
    await page.context().close();
  }

  // Predictions while drawing: one per frame, each timed by the page (preprocessing and forward
  // pass; drawing the bars and every layer's maps is timed apart).
  const page = await freshPage();
  const box = (await page.locator('#pad').boundingBox())!;
  const predictions: number[] = [];
  const drawing: number[] = [];
  await page.mouse.move(box.x + 0.3 * box.width, box.y + 0.2 * box.height);
  await page.mouse.down();
  for (let step = 0; step < 60; step++) {
    const t = step / 59;
    await page.mouse.move(box.x + (0.3 + 0.4 * Math.sin(3 * t)) * box.width, box.y + (0.2 + 0.6 * t) * box.height);
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const timing = await page.locator('#status').evaluate((status) => [(status as HTMLElement).dataset.predictMilliseconds, (status as HTMLElement).dataset.drawMilliseconds]);
    if (timing[0] !== undefined && step > 2) {
      predictions.push(Number(timing[0]));
      drawing.push(Number(timing[1]));
    }
  }
  await page.mouse.up();

  // Training steps: the default net, batch 100, on `threads` threads, in the page and then in
  // `npm run bench`, round after round, so that both meet the same load (this machine's speed drifts
  // by a third within minutes).
  for (const [id, value] of Object.entries({ 'train-epochs': '1', 'train-batch-size': '100', 'train-limit': String(100 * (steps + warmup)), 'train-test-limit': '100' })) {
    await page.fill(`#${id}`, value);
  }
  await page.selectOption('#train-threads', String(threads));
  const pageSteps: number[] = [];
  const cliSteps: number[] = [];
  for (let round = 0; round < rounds; round++) {
    await page.click('#train-start');
    await page.locator('#train-progress[data-finished="true"]').waitFor({ timeout: 600_000 });
    const stepTimes: number[] = JSON.parse((await page.locator('#train-progress').getAttribute('data-step-milliseconds')) ?? '[]');
    pageSteps.push(median(stepTimes.slice(warmup)));
    const benchOutput = execFileSync(process.execPath, ['dist/bench.js', '--json', '--threads', String(threads), '--steps', String(steps), '--rounds', '1'], { encoding: 'utf8' });
    cliSteps.push(JSON.parse(benchOutput.trim().split('\n').at(-1)!).trainStepMs);
  }
  await page.context().close();
  const pageStep = median(pageSteps);
  const cliStep = median(cliSteps);
  const result = {
    threads,
    pageReadyMs: { median: round(median(ready)), max: round(Math.max(...ready)) },
    predictionMs: { median: round(median(predictions)), p95: round(percentile(predictions, 0.95)), samples: predictions.length },
    drawLayersMs: { median: round(median(drawing)), p95: round(percentile(drawing, 0.95)) },
    pageTrainStepMs: round(pageStep),
    cliTrainStepMs: round(cliStep),
    // Each round's page step over its CLI step, the median of those: like compared with like.
    pageOverCli: round(median(pageSteps.map((ms, index) => ms / cliSteps[index]))),
    rounds: pageSteps.map((ms, index) => ({ pageMs: round(ms), cliMs: round(cliSteps[index]), ratio: round(ms / cliSteps[index]) })),
    loadAverage: { before: round(load.before), after: round(loadavg()[0]) },
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  await browser.close();
  server.kill('SIGINT');
}
