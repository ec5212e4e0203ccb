// The training worker of the page: `cnn train` in a Web Worker. The same Network, optimizer and
// train() loop, on the same WebAssembly kernels, split over the same number of threads (the pool's
// helpers are Web Workers of their own), so a run with the same settings ends on the same weights as
// the CLI's. Pause and stop use train()'s own stop-and-resume, which continues bit for bit.

import { activeThreadCount, setThreadCount } from '../../kernels/backend.js';
import { threadsReady } from '../../kernels/wasm/threads.js';
import { limitDataset, type Dataset } from '../../data/mnist.js';
import { serializeSnapshot, type SnapshotMetadata } from '../../io/snapshot.js';
import { Network } from '../../models/network.js';
import { createOptimizer } from '../../optim/index.js';
import type { Optimizer } from '../../optim/optimizer.js';
import { train, type EpochRecord, type TrainPosition } from '../../train/train.js';
import { fetchSplit } from './mnist-fetch.js';
import type { FromWorker, ToWorker, TrainSettings } from './protocol.js';

// train() yields between steps with setImmediate, which browsers lack; a message to ourselves is the
// same "after pending events" without the 4 ms clamp that nested setTimeout gets.
const wake = new MessageChannel();
const woken: (() => void)[] = [];
wake.port1.onmessage = () => woken.shift()?.();
(globalThis as { setImmediate?: unknown }).setImmediate = (callback: () => void) => {
  woken.push(callback);
  wake.port2.postMessage(0);
};

const filterInterval = 250; // ms between two redraws of the first layer's filters

interface Run {
  settings: TrainSettings;
  network: Network;
  optimizer: Optimizer;
  trainSet: Dataset;
  testSet: Dataset;
  history: EpochRecord[];
  position?: TrainPosition;
  seconds: number;
}

let run: Run | undefined;
let wanted: 'run' | 'pause' | 'stop' = 'run';
let running = false;

function post(message: FromWorker): void {
  (self as unknown as Worker).postMessage(message);
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  if (message.type === 'start') {
    wanted = 'run';
    void guarded(() => start(message.settings));
  } else if (message.type === 'resume' && run !== undefined && !running) {
    wanted = 'run';
    void guarded(() => continueRun(run as Run));
  }
  else if (message.type === 'stop' && !running && run !== undefined) post({ type: 'finished', snapshot: snapshotText(run), stopped: true });
  else if (message.type === 'pause' || message.type === 'stop') wanted = message.type;
};

// Read through a function: train()'s callbacks change `wanted` where the compiler cannot see it.
const pauseWanted = (): boolean => wanted === 'pause';

async function guarded(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
}

async function start(settings: TrainSettings): Promise<void> {
  post({ type: 'status', text: 'loading MNIST from the server…' });
  const [fullTrain, fullTest] = await Promise.all([fetchSplit(settings.mnist, 'train'), fetchSplit(settings.mnist, 't10k')]);
  const trainSet = settings.trainLimit ? limitDataset(fullTrain, settings.trainLimit) : fullTrain;
  const testSet = settings.testLimit ? limitDataset(fullTest, settings.testLimit) : fullTest;
  setThreadCount(settings.threads);
  await threadsReady();
  const network = new Network(settings.model, { seed: settings.seed });
  const optimizer = createOptimizer(settings.optimizer, settings.learningRate);
  run = { settings, network, optimizer, trainSet, testSet, history: [], seconds: 0 };
  post({
    type: 'started', threads: activeThreadCount(), trainImages: trainSet.count, testImages: testSet.count,
    batches: Math.ceil(trainSet.count / settings.batchSize), learningRate: optimizer.learningRate, shared: crossOriginIsolated,
  });
  await continueRun(run);
}

// A pause asked for while the data loads stops the run before its first step.
async function continueRun(current: Run): Promise<void> {
  running = true;
  const { settings, network, optimizer, trainSet, testSet } = current;
  const firstConvolution = network.layers.find((layer) => layer.spec().type === 'convolution');
  let filtersSent = 0;
  let stepStarted = performance.now();
  let stoppedAt: TrainPosition | undefined;
  const began = performance.now();
  await train(network, trainSet, testSet, {
    epochs: settings.epochs, batchSize: settings.batchSize, optimizer, seed: settings.seed, resume: current.position,
    // Asked just before each step, as onBatch is called just after it: the two bracket the step
    // itself (forward, backward, update), what `npm run bench` times too.
    shouldStop: () => {
      stepStarted = performance.now();
      return wanted !== 'run';
    },
    onBatch: (progress) => {
      const now = performance.now();
      const stepMilliseconds = now - stepStarted;
      const weights = firstConvolution?.params()[0].value;
      const due = weights !== undefined && now - filtersSent > filterInterval;
      if (due) filtersSent = now;
      post({ type: 'batch', progress, stepMilliseconds, ...(due && { filters: { data: (weights.data as Float32Array).slice(), shape: [...weights.shape] } }) });
    },
    onEpoch: (record, position) => {
      current.history.push(record);
      current.position = position;
      post({ type: 'epoch', record, snapshot: snapshotText(current, performance.now() - began) });
    },
    onStop: (position) => {
      stoppedAt = position;
    },
  });
  running = false;
  current.seconds += (performance.now() - began) / 1000;
  if (stoppedAt !== undefined) current.position = stoppedAt;
  if (stoppedAt !== undefined && pauseWanted()) post({ type: 'paused', snapshot: snapshotText(current) });
  else post({ type: 'finished', snapshot: snapshotText(current), stopped: stoppedAt !== undefined });
}

/** The snapshot `cnn train` would write now, with the metadata it records. */
function snapshotText({ settings, network, optimizer, trainSet, testSet, history, seconds }: Run, unfinishedMilliseconds = 0): string {
  const last = history.at(-1);
  const metadata: SnapshotMetadata = {
    model: settings.modelName, dataset: 'mnist', epochs: last?.epoch ?? 0, seed: settings.seed, batchSize: settings.batchSize,
    optimizer: optimizer.name, learningRate: optimizer.learningRate, threads: settings.threads, augment: false,
    trainImages: trainSet.count, testImages: testSet.count,
    ...(last && { trainAccuracy: last.trainAccuracy, testAccuracy: last.testAccuracy }),
    date: new Date().toISOString(), seconds: seconds + unfinishedMilliseconds / 1000, history: [...history], trainedIn: 'browser',
  };
  return serializeSnapshot(network, metadata);
}
