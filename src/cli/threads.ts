// The --threads option shared by the commands that compute a lot: every core by default.

import type { Command } from 'commander';
import { setThreadCount } from '../kernels/backend.js';
import { defaultThreadCount } from '../kernels/wasm/threads.js';
import { positiveInteger } from './options.js';

export function addThreadsOption(command: Command): Command {
  return command.option('--threads <n>', `worker threads for the kernels (default: every core, ${defaultThreadCount()} here)`, positiveInteger);
}

export function applyThreads(threads: number | undefined): number {
  const count = Math.min(threads ?? defaultThreadCount(), 256);
  setThreadCount(count);
  return count;
}
