// How much a second thread can add on this machine: a pure arithmetic loop (eight independent
// multiply-add chains, so it is limited by the floating-point units, not by latency) timed alone
// and then on two threads at once. 2.0 means two real cores; near 1.0 means the two logical CPUs
// share one core's arithmetic units (SMT siblings), and no kernel can scale past that.

import { Worker } from 'node:worker_threads';

const workSource = `
function work(n) {
  let a = 1, b = 1, c = 1, d = 1, e = 1, f = 1, g = 1, h = 1;
  for (let i = 0; i < n; i++) {
    a = a * 0.999 + 1; b = b * 0.999 + 1; c = c * 0.999 + 1; d = d * 0.999 + 1;
    e = e * 0.999 + 1; f = f * 0.999 + 1; g = g * 0.999 + 1; h = h * 0.999 + 1;
  }
  return a + b + c + d + e + f + g + h;
}`;

const iterations = 1e8;
// The same source runs here and in the worker, so both threads do identical work.
const work = new Function(`${workSource}; return work;`)() as (n: number) => number;

/** Throughput of two threads over one, for floating-point-bound work. */
export async function coreScaling(): Promise<number> {
  work(1e6);
  let started = performance.now();
  work(iterations);
  const alone = performance.now() - started;
  const worker = new Worker(
    `${workSource}
    const { parentPort } = require('node:worker_threads');
    work(1e6);
    parentPort.postMessage('ready');
    parentPort.once('message', () => { work(${iterations}); parentPort.postMessage('done'); });`,
    { eval: true },
  );
  await new Promise((resolve) => worker.once('message', resolve));
  const done = new Promise((resolve) => worker.once('message', resolve));
  started = performance.now();
  worker.postMessage('go');
  work(iterations);
  await done;
  const together = performance.now() - started;
  await worker.terminate();
  return (2 * alone) / together;
}
