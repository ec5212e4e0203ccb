// The thread pool's transport in the page of `cnn serve`: one Web Worker per helper thread, started
// from a blob: URL holding the pool's program. A failure's reason is written into a small shared
// buffer, since the thread that waits for it is blocked and cannot receive a message. The page's
// build puts this file in place of transport.ts (scripts/build-page.js).

import type { PoolWorker } from './transport.js';

const failureCharacters = 1024;

// One core fewer than the browser has: the page's own thread keeps drawing while a run trains, so
// with every core in the pool a polling thread would take the time a working one needs (threads.ts
// polls only while each thread has a core). Measured on 2 shared cores at load 3-6 (bench/page.ts):
// a step on 2 threads took 36-54 ms polling, 18 ms sleeping at once.
export function availableParallelism(): number {
  return Math.max(1, (navigator.hardwareConcurrency || 1) - 1);
}

/** Starts `source` with `workerData` and `report(message)` in scope, once the worker has its data. */
export function spawnWorker(source: string, workerData: Record<string, unknown>): PoolWorker {
  const failure = new SharedArrayBuffer(4 + 2 * failureCharacters);
  const program = `self.onmessage = (event) => {
  self.onmessage = null;
  const workerData = event.data;
  const failureLength = new Int32Array(workerData.failure, 0, 1);
  const failureText = new Uint16Array(workerData.failure, 4);
  const report = (message) => {
    const text = String(message).slice(0, failureText.length);
    for (let i = 0; i < text.length; i++) failureText[i] = text.charCodeAt(i);
    failureLength[0] = text.length;
  };
  self.postMessage('ready');
  ${source}
};`;
  const url = URL.createObjectURL(new Blob([program], { type: 'text/javascript' }));
  const worker = new Worker(url);
  const ready = new Promise<void>((resolve, reject) => {
    worker.onmessage = () => {
      URL.revokeObjectURL(url);
      resolve();
    };
    worker.onerror = (event) => reject(new Error(`a kernel thread failed to start: ${event.message}`));
  });
  worker.postMessage({ ...workerData, failure });
  return {
    ready,
    failure: () => {
      const length = new Int32Array(failure, 0, 1)[0];
      if (length === 0) return undefined;
      new Int32Array(failure, 0, 1)[0] = 0;
      return String.fromCharCode(...new Uint16Array(failure, 4, length));
    },
    terminate: () => worker.terminate(),
  };
}
