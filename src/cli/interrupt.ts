// Ctrl-C and SIGTERM during training. The first asks the run to stop at the next step boundary, save
// a checkpoint and exit 130; the second exits at once with 130, first removing any half-written temp
// file, so that only whole files remain. Outside training the signals keep their default, which ends
// the process at once even in the middle of a long synchronous computation.

import { removePendingTemporaryFiles } from '../io/atomic.js';

export const interruptedExitCode = 130;

/** Listens for Ctrl-C and SIGTERM until release(); the signal aborts at the first of them. */
export function gracefulStop(): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!controller.signal.aborted) controller.abort(signal);
    else exitNow(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    release: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

function exitNow(signal: NodeJS.Signals): never {
  removePendingTemporaryFiles();
  // A progress bar hides the cursor; a shell left without one is a poor goodbye.
  if (process.stderr.isTTY) process.stderr.write('\u001b[?25h\n');
  process.stderr.write(`cnn: ${signal === 'SIGINT' ? 'interrupted' : `stopped by ${signal}`}\n`);
  process.exit(interruptedExitCode);
}
