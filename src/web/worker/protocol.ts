// The messages between the page and its training worker, in both directions. Plain data only: they
// cross a postMessage.

import type { ModelSpec } from '../../models/network.js';
import type { BatchProgress, EpochRecord } from '../../train/train.js';

export interface TrainSettings {
  /** The preset's name, or the model file's, as the snapshot's metadata records it. */
  modelName: string;
  model: ModelSpec;
  epochs: number;
  batchSize: number;
  optimizer: string;
  /** Undefined: the optimizer's default, as `cnn train` without --lr. */
  learningRate?: number;
  seed: number;
  trainLimit?: number;
  testLimit?: number;
  threads: number;
  /** URL of each MNIST file, by its IDX name (from the server's catalogue). */
  mnist: Record<string, string>;
}

export type ToWorker = { type: 'start'; settings: TrainSettings } | { type: 'pause' } | { type: 'resume' } | { type: 'stop' };

export type FromWorker =
  | { type: 'status'; text: string }
  | { type: 'started'; threads: number; trainImages: number; testImages: number; batches: number; learningRate: number; shared: boolean }
  | { type: 'batch'; progress: BatchProgress; stepMilliseconds: number; filters?: { data: Float32Array; shape: number[] } }
  | { type: 'epoch'; record: EpochRecord; snapshot: string }
  | { type: 'paused'; snapshot: string }
  | { type: 'finished'; snapshot: string; stopped: boolean }
  | { type: 'error'; message: string };
