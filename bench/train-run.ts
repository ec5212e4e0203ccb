// `npm run bench:train`: what a user waits for, a whole `cnn train --epochs 2` process (start, data,
// two epochs with their test evaluations, the snapshot and checkpoint written after each), beside the
// PyTorch anchor training the same network for two epochs with a test evaluation after each. The two
// alternate for `--rounds` rounds (default 2), as the machine's speed drifts. PyTorch's figure is its
// own timing of the training loop, which leaves out python's start, torch's import and data loading:
// cnn's whole process is held to PyTorch's loop alone. Prints a table and, with --json, one JSON line.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultThreadCount } from '../src/kernels/wasm/threads.js';
import { median } from './layers.js';
import { runTorch, torchAnchor } from './torch.js';

const rounds = Number(valueOf('--rounds') ?? 2);
const epochs = Number(valueOf('--epochs') ?? 2);
const threads = Number(valueOf('--threads') ?? defaultThreadCount());
if (![rounds, epochs, threads].every((value) => Number.isInteger(value) && value >= 1)) {
  throw new Error('--rounds, --epochs and --threads must be positive integers');
}

function valueOf(flag: string): string | undefined {
  const index = process.argv.indexOf(flag);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

/** Seconds of one whole `cnn train` process, and the seconds of each epoch it reported. */
function cnnTrain(): { seconds: number; epochSeconds: number[] } {
  const work = mkdtempSync(join(tmpdir(), 'cnn-bench-train-'));
  try {
    const started = performance.now();
    const run = spawnSync(process.execPath, [
      resolve('bin', 'cnn.cjs'), 'train', '--epochs', String(epochs), '--threads', String(threads), '--no-progress', '--json',
      '--out', join(work, 'net.json'),
    ], { encoding: 'utf8' });
    const seconds = (performance.now() - started) / 1000;
    if (run.status !== 0) throw new Error(`cnn train failed: ${run.stderr.trim()}`);
    const summary = JSON.parse(run.stdout) as { history: { seconds: number }[] };
    return { seconds, epochSeconds: summary.history.map((record) => record.seconds) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const ours: number[] = [];
const ourEpochs: number[][] = [];
const theirs: number[] = [];
for (let round = 0; round < rounds; round++) {
  const run = cnnTrain();
  ours.push(run.seconds);
  ourEpochs.push(run.epochSeconds);
  const torch = torchAnchor() === undefined ? undefined : runTorch(threads, { iterations: 1, epochs });
  if (torch?.trainingSeconds !== undefined) theirs.push(torch.trainingSeconds);
}

const result = {
  epochs,
  threads,
  rounds,
  cnnTrainSeconds: ours.map((value) => Number(value.toFixed(2))),
  cnnEpochSeconds: ourEpochs.map((values) => values.map((value) => Number(value.toFixed(2)))),
  ...(theirs.length > 0 && {
    torchTrainingSeconds: theirs.map((value) => Number(value.toFixed(2))),
    // The median whole cnn run over the median PyTorch training loop (below 1 is faster).
    torchRatio: Number((median(ours) / median(theirs)).toFixed(3)),
  }),
};
console.log(`cnn train --epochs ${epochs}, whole process (s): ${result.cnnTrainSeconds.join(', ')}`);
console.log(`  its epochs (s): ${result.cnnEpochSeconds.map((values) => values.join(' + ')).join(', ')}`);
if (result.torchTrainingSeconds) {
  console.log(`PyTorch, ${epochs} epochs, its training loop (s): ${result.torchTrainingSeconds.join(', ')}`);
  console.log(`  cnn over PyTorch (medians): ${result.torchRatio}x`);
} else {
  console.log('PyTorch anchor not found (../shared/anchors/bench_torch.py, or CNN_TORCH_ANCHOR)');
}
if (process.argv.includes('--json')) console.log(JSON.stringify(result));
