// `npm run bench`: milliseconds per SimpleConvNet training step (batch 100: forward, backward, Adam)
// on one thread and on all of them, inference images per second, and the matrix product's GFLOP/s.
// `-- --json` adds one JSON line; `-- --threads N` sets the thread count (default: every core).

import { datasetTensor, epochBatches } from '../src/data/batches.js';
import { limitDataset, loadMnist } from '../src/data/mnist.js';
import { activeThreadCount, kernels, setThreadCount } from '../src/kernels/backend.js';
import { defaultThreadCount } from '../src/kernels/wasm/threads.js';
import { coreScaling } from './cores.js';
import { Network } from '../src/models/network.js';
import { simpleConvNet } from '../src/models/presets.js';
import { Adam } from '../src/optim/adam.js';
import { Random } from '../src/tensor/random.js';

const json = process.argv.includes('--json');
const steps = Number(valueOf('--steps') ?? 30);
const warmup = Number(valueOf('--warmup') ?? 5);

function valueOf(flag: string): string | undefined {
  const index = process.argv.indexOf(flag);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function gemmGflops(size: number, repeats: number): number {
  const random = new Random(1);
  // Operands from the backend's allocator, so the WebAssembly product reads them without a copy.
  const [A, B, C] = [0, 1, 2].map(() => kernels().allocate(size * size, 'float32'));
  for (let i = 0; i < size * size; i++) [A[i], B[i]] = [random.uniform(), random.uniform()];
  const run = () => kernels().gemm({ transA: false, transB: false, M: size, N: size, K: size, A, B, C, accumulate: false });
  run();
  const started = performance.now();
  for (let r = 0; r < repeats; r++) run();
  const seconds = (performance.now() - started) / 1000;
  return (2 * size ** 3 * repeats) / seconds / 1e9;
}

const mnist = await loadMnist();
const threads = Number(valueOf('--threads') ?? defaultThreadCount());

/** Median ms per training step on `count` threads, over `steps` batches after `warmup`. */
function trainStep(count: number): number {
  setThreadCount(count);
  const network = new Network(simpleConvNet(), { seed: 1 });
  const optimizer = new Adam();
  const params = network.params();
  const times: number[] = [];
  for (const batch of epochBatches(limitDataset(mnist.train, 100 * (steps + warmup)), 100, new Random(1))) {
    const started = performance.now();
    network.gradient(batch.x, batch.labels);
    optimizer.update(params);
    times.push(performance.now() - started);
  }
  return median(times.slice(warmup));
}

const oneThreadMs = threads > 1 ? trainStep(1) : undefined;
const trainStepMs = trainStep(threads);
const network = new Network(simpleConvNet(), { seed: 1 });

const inferenceCount = Number(valueOf('--inference') ?? 10000);
const testSet = limitDataset(mnist.test, inferenceCount);
const inferenceStarted = performance.now();
for (let start = 0; start < testSet.count; start += 100) {
  network.predict(datasetTensor(testSet, start, Math.min(100, testSet.count - start)), false);
}
const inferenceImagesPerSecond = testSet.count / ((performance.now() - inferenceStarted) / 1000);
const gflops = gemmGflops(512, 10);
const peakRssMb = process.resourceUsage().maxRSS / 1024;
const machineScaling = threads > 1 ? await coreScaling() : 1;

const result = {
  kernels: kernels().name,
  threads: activeThreadCount(),
  trainStepMs: Number(trainStepMs.toFixed(2)),
  trainStepMsOneThread: Number((oneThreadMs ?? trainStepMs).toFixed(2)),
  threadSpeedup: Number(((oneThreadMs ?? trainStepMs) / trainStepMs).toFixed(2)),
  machineTwoThreadScaling: Number(machineScaling.toFixed(2)),
  epochSeconds: Number(((trainStepMs * 600) / 1000).toFixed(1)),
  inferenceImagesPerSecond: Math.round(inferenceImagesPerSecond),
  gemmGflops: Number(gflops.toFixed(2)),
  peakRssMb: Math.round(peakRssMb),
};
const rows: [string, string][] = [
  ['kernels', result.kernels],
  ['threads', String(result.threads)],
  ['training step, batch 100, 1 thread (median ms)', result.trainStepMsOneThread.toFixed(2)],
  [`training step, batch 100, ${result.threads} threads (median ms)`, result.trainStepMs.toFixed(2)],
  ['speedup from threads', `${result.threadSpeedup.toFixed(2)}x`],
  ['machine: 2 threads of pure arithmetic vs 1', `${result.machineTwoThreadScaling.toFixed(2)}x`],
  ['epoch of 600 steps (s, estimated)', result.epochSeconds.toFixed(1)],
  ['inference (images/s)', String(result.inferenceImagesPerSecond)],
  ['matrix product 512x512x512 (GFLOP/s)', result.gemmGflops.toFixed(2)],
  ['peak RSS (MB)', String(result.peakRssMb)],
];
const width = Math.max(...rows.map(([label]) => label.length));
for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
if (json) console.log(JSON.stringify(result));
