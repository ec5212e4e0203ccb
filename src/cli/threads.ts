// The --threads option shared by the commands that compute a lot: every core by default.

import type { Command } from 'commander';
import { setThreadCount } from '../kernels/backend.js';
import { defaultThreadCount } from '../kernels/wasm/threads.js';
import { positiveInteger } from './options.js';

export function addThreadsOption(command: Command): Command {
  return command.option(
    '--threads <n>',
    `kernel threads (default: every core, ${defaultThreadCount()} here); results are reproducible for a given count`,
    positiveInteger,
  );
}

/** The thread count a command runs with: the flag, else every core, at most 256. */
export function threadsFor(threads: number | undefined): number {
  return Math.min(threads ?? defaultThreadCount(), 256);
}

export function applyThreads(threads: number | undefined): number {
  const count = threadsFor(threads);
  setThreadCount(count);
  return count;
}
