// Training progress on stderr: a cli-progress bar per epoch on a terminal, plain lines elsewhere, and
// a coloured summary line after each epoch in both cases.

import { SingleBar } from 'cli-progress';
import type { BatchProgress, EpochRecord } from '../train/train.js';
import { colorErr, message, percent } from './output.js';

export class TrainingProgress {
  private bar: SingleBar | undefined;
  private barEpoch = 0;

  constructor(
    private readonly epochs: number,
    private readonly bars: boolean,
  ) {}

  batch(progress: BatchProgress): void {
    if (!this.bars) return;
    const values = {
      epoch: `${progress.epoch}/${this.epochs}`,
      loss: progress.loss.toFixed(4),
      accuracy: percent(progress.accuracy, 1),
      speed: Math.round(progress.imagesPerSecond),
    };
    if (this.bar === undefined || this.barEpoch !== progress.epoch) {
      this.stop();
      this.bar = new SingleBar({
        stream: process.stderr,
        format: 'epoch {epoch} {bar} {percentage}% | {value}/{total} | loss {loss} | acc {accuracy} | {speed} img/s | ETA {eta_formatted}',
        barsize: 24,
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 50,
      });
      this.bar.start(progress.batches, 0, values);
      this.barEpoch = progress.epoch;
    }
    this.bar.update(progress.batch, values);
  }

  epoch(record: EpochRecord): void {
    this.stop();
    const width = String(this.epochs).length;
    message(
      `${colorErr.bold(`epoch ${String(record.epoch).padStart(width)}/${this.epochs}`)}  ` +
        `loss ${colorErr.yellow(record.trainLoss.toFixed(4))}  ` +
        `train ${colorErr.cyan(percent(record.trainAccuracy))}  ` +
        `test ${colorErr.green(percent(record.testAccuracy))}  ` +
        colorErr.dim(`${record.seconds.toFixed(1)} s`),
    );
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}
