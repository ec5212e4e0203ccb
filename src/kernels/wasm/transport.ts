// The thread pool's transport in Node: one worker_threads Worker per helper thread, its program run
// as a script, and a MessagePort that carries a failure's reason, read synchronously while the main
// thread waits. threads.ts holds the pool itself; transport-web.ts is the page's twin of this file.

import { availableParallelism as cores } from 'node:os';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';

export interface PoolWorker {
  /** Resolves once the worker runs its program. */
  ready: Promise<void>;
  /** The reason the worker last reported for a failed job, if one came. */
  failure(): string | undefined;
  terminate(): void;
}

export function availableParallelism(): number {
  return cores();
}

/** Starts `source` with `workerData` and `report(message)` in scope. Workers do not keep node running. */
export function spawnWorker(source: string, workerData: Record<string, unknown>): PoolWorker {
  const { port1, port2 } = new MessageChannel();
  // Unreferenced: the port only carries failures, read synchronously, and must not keep node running.
  port1.unref();
  const prologue = "const { workerData } = require('node:worker_threads');\nconst report = (message) => workerData.port.postMessage(message);\n";
  const worker = new Worker(prologue + source, { eval: true, workerData: { ...workerData, port: port2 }, transferList: [port2] });
  worker.unref();
  return {
    ready: Promise.resolve(),
    failure: () => receiveMessageOnPort(port1)?.message as string | undefined,
    terminate: () => {
      void worker.terminate();
      port1.close();
    },
  };
}
