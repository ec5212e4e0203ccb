// `npm run bench`: milliseconds per SimpleConvNet training step (batch 100: forward, backward, Adam)
// on one thread and on all of them, inference images per second, and the matrix product's GFLOP/s.
// `-- --json` adds one JSON line; `-- --threads N` sets the thread count (default: every core);
// `-- --model deep` times another preset; `-- --layers` adds where a step's time goes, per layer;
// `-- --steps N --rounds R` times about N steps per thread count in R alternating rounds.
// It also runs two real epochs through the training loop (`firstEpochSeconds`, and `epochSeconds` for
// the second, each with its test evaluation; `-- --no-epoch` skips them) and, where the PyTorch anchor is found (bench/torch.ts), the
// same network in PyTorch right after (`torchRatio`; `-- --no-torch` skips it).

import { epochBatches, type Batch } from '../src/data/batches.js';
import { limitDataset, loadMnist } from '../src/data/mnist.js';
import { activeThreadCount, kernels, setThreadCount } from '../src/kernels/backend.js';
import { defaultThreadCount } from '../src/kernels/wasm/threads.js';
import { multiplyAddPeakGflops } from '../src/kernels/wasm/wasm-kernels.js';
import { coreScaling } from './cores.js';
import { Network } from '../src/models/network.js';
import { presets } from '../src/models/presets.js';
import { layerTimes, median } from './layers.js';
import { Adam } from '../src/optim/adam.js';
import { Random } from '../src/tensor/random.js';
import { evaluate } from '../src/train/evaluate.js';
import { train } from '../src/train/train.js';
import { runTorch } from './torch.js';

const json = process.argv.includes('--json');
const byLayer = process.argv.includes('--layers');
const model = valueOf('--model') ?? 'simple';
if (!Object.hasOwn(presets, model)) throw new Error(`--model must be one of ${Object.keys(presets).join(', ')}`);
const steps = Number(valueOf('--steps') ?? 30);
const warmup = Number(valueOf('--warmup') ?? 5);

// The machine's speed drifts by a third within minutes (a shared host), so one thread and all of
// them are timed in alternating rounds rather than one after the other: each round runs both, and
// the medians over all rounds compare like with like. A round's first steps after switching the
// thread count are not counted: the workers start and warm up there.
const rounds = Number(valueOf('--rounds') ?? 5);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer, got ${valueOf('--rounds')}`);
if (!Number.isInteger(steps) || steps < 1) throw new Error(`--steps must be a positive integer, got ${valueOf('--steps')}`);

function valueOf(flag: string): string | undefined {
  const index = process.argv.indexOf(flag);
  return index >= 0 ? process.argv[index + 1] : undefined;
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
const stepBatches = () => epochBatches(limitDataset(mnist.train, 100 * (steps + warmup)), 100, new Random(1));
const threads = Number(valueOf('--threads') ?? defaultThreadCount());

/** Median ms per training step for each thread count in `counts`, over `steps` counted steps each. */
function trainSteps(counts: number[]): number[] {
  const runs = counts.map(() => ({ network: new Network(presets[model].model(), { seed: 1 }), optimizer: new Adam(), times: [] as number[] }));
  // The batches come from a generator that refills one buffer, so they are drawn as needed.
  let batches = stepBatches();
  const nextBatch = (): Batch => {
    let drawn = batches.next();
    if (drawn.done) {
      batches = stepBatches();
      drawn = batches.next();
    }
    return drawn.value as Batch;
  };
  const perRound = Math.ceil(steps / rounds);
  for (let round = 0; round < rounds; round++) {
    counts.forEach((count, index) => {
      setThreadCount(count);
      const { network, optimizer, times } = runs[index];
      for (let step = 0; step < warmup + perRound; step++) {
        const batch = nextBatch();
        const started = performance.now();
        network.gradient(batch.x, batch.labels);
        optimizer.update(network.params());
        if (step >= warmup) times.push(performance.now() - started);
      }
    });
  }
  return runs.map(({ times }) => median(times));
}

const timed = trainSteps(threads > 1 ? [1, threads] : [threads]);
const trainStepMs = timed[timed.length - 1];
const oneThreadMs = threads > 1 ? timed[0] : undefined;
setThreadCount(threads);
const network = new Network(presets[model].model(), { seed: 1 });

// Inference as `cnn eval` runs it (evaluate, in batches of 100), once to warm up, then timed.
const inferenceCount = Number(valueOf('--inference') ?? 10000);
const testSet = limitDataset(mnist.test, inferenceCount);
evaluate(network, testSet);
const inferenceStarted = performance.now();
evaluate(network, testSet);
const evaluationSeconds = (performance.now() - inferenceStarted) / 1000;
const inferenceImagesPerSecond = testSet.count / evaluationSeconds;

// Two real epochs of `cnn train`'s loop over all 60,000 images, each with its test evaluation, to set
// beside what the steps cost in the timing above: the loop's own overhead is the difference. The
// second epoch is the figure: a first epoch alone once hid a slowdown that only set in after 800 steps
// (Adam's moments turning subnormal, kernels/elementwise.ts), 40% on every epoch after the first.
let epochSeconds: number | undefined;
let firstEpochSeconds: number | undefined;
if (!process.argv.includes('--no-epoch')) {
  const fresh = new Network(presets[model].model(), { seed: 1 });
  const records = await train(fresh, mnist.train, testSet, { epochs: 2, batchSize: 100, optimizer: new Adam(), seed: 1 });
  [firstEpochSeconds, epochSeconds] = records.map((record) => record.seconds);
}
const stepsPerEpoch = Math.ceil(mnist.train.count / 100);
const torch = process.argv.includes('--no-torch') ? undefined : runTorch(threads);
const gflops = gemmGflops(512, 10);
const peakGflops = multiplyAddPeakGflops(2e7);
const peakRssMb = process.resourceUsage().maxRSS / 1024;
const machineScaling = threads > 1 ? await coreScaling() : 1;

const parts = byLayer
  ? [1, threads].filter((count, index) => index === 0 || count !== 1).map((count) => {
      setThreadCount(count);
      return { threads: count, parts: layerTimes(new Network(presets[model].model(), { seed: 1 }), new Adam(), stepBatches(), warmup) };
    })
  : [];
setThreadCount(threads);

const result = {
  model,
  kernels: kernels().name,
  threads: activeThreadCount(),
  trainStepMs: Number(trainStepMs.toFixed(2)),
  trainStepMsOneThread: Number((oneThreadMs ?? trainStepMs).toFixed(2)),
  threadSpeedup: Number(((oneThreadMs ?? trainStepMs) / trainStepMs).toFixed(2)),
  machineTwoThreadScaling: Number(machineScaling.toFixed(2)),
  stepsSecondsPerEpoch: Number(((trainStepMs * stepsPerEpoch) / 1000).toFixed(2)),
  evaluationSeconds: Number(evaluationSeconds.toFixed(2)),
  ...(epochSeconds !== undefined && {
    firstEpochSeconds: Number(firstEpochSeconds!.toFixed(2)),
    epochSeconds: Number(epochSeconds.toFixed(2)),
    // A real epoch over what its steps and its evaluation cost when timed alone.
    epochOverSteps: Number((epochSeconds / ((trainStepMs * stepsPerEpoch) / 1000 + evaluationSeconds)).toFixed(3)),
  }),
  inferenceImagesPerSecond: Math.round(inferenceImagesPerSecond),
  ...(torch && {
    torchStepMs: Number(torch.stepMs.toFixed(2)),
    torchInferenceImagesPerSecond: Math.round(torch.inferenceImagesPerSecond),
    // Our step time over PyTorch's (below 1 is faster), and our inference rate over PyTorch's.
    torchRatio: Number((trainStepMs / torch.stepMs).toFixed(3)),
    torchInferenceRatio: Number((inferenceImagesPerSecond / torch.inferenceImagesPerSecond).toFixed(3)),
  }),
  gemmGflops: Number(gflops.toFixed(2)),
  multiplyAddPeakGflops: Number(peakGflops.toFixed(2)),
  peakRssMb: Math.round(peakRssMb),
};
const rows: [string, string][] = [
  ['model', result.model],
  ['kernels', result.kernels],
  ['threads', String(result.threads)],
  ['training step, batch 100, 1 thread (median ms)', result.trainStepMsOneThread.toFixed(2)],
  [`training step, batch 100, ${result.threads} threads (median ms)`, result.trainStepMs.toFixed(2)],
  ['speedup from threads', `${result.threadSpeedup.toFixed(2)}x`],
  ['machine: 2 threads of pure arithmetic vs 1', `${result.machineTwoThreadScaling.toFixed(2)}x`],
  [`${stepsPerEpoch} steps (s, from the step time)`, result.stepsSecondsPerEpoch.toFixed(2)],
  [`test evaluation, ${testSet.count} images (s)`, result.evaluationSeconds.toFixed(2)],
  ...(result.epochSeconds !== undefined ? [
    ['first real epoch, evaluation included (s)', result.firstEpochSeconds!.toFixed(2)],
    ['second real epoch, evaluation included (s)', result.epochSeconds.toFixed(2)],
    ['  over steps + evaluation', `${result.epochOverSteps!.toFixed(3)}x`],
  ] as [string, string][] : []),
  ['inference (images/s)', String(result.inferenceImagesPerSecond)],
  ...(result.torchRatio !== undefined ? [
    [`PyTorch training step, ${threads} threads (median ms)`, result.torchStepMs!.toFixed(2)],
    ['  our step over PyTorch\'s', `${result.torchRatio.toFixed(3)}x`],
    ['PyTorch inference (images/s)', String(result.torchInferenceImagesPerSecond)],
    ['  our inference over PyTorch\'s', `${result.torchInferenceRatio!.toFixed(3)}x`],
  ] as [string, string][] : []),
  ['matrix product 512x512x512 (GFLOP/s)', result.gemmGflops.toFixed(2)],
  [`machine: 128-bit multiply-adds alone, ${threads} threads (GFLOP/s)`, result.multiplyAddPeakGflops.toFixed(2)],
  ['  the product\'s share of it', `${((100 * result.gemmGflops) / result.multiplyAddPeakGflops).toFixed(0)}%`],
  ['peak RSS (MB)', String(result.peakRssMb)],
];
const width = Math.max(...rows.map(([label]) => label.length));
for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
if (byLayer) {
  console.log(`\nwhere a step's time goes (median ms; threads ${parts.map((entry) => entry.threads).join(' and ')})`);
  const names = parts[0].parts.map((entry) => entry.part);
  const labelWidth = Math.max(...names.map((name) => name.length));
  for (const name of names) {
    const times = parts.map((entry) => entry.parts.find((part) => part.part === name)?.ms ?? 0);
    const speedup = times.length > 1 && times[1] > 0 ? `  ${(times[0] / times[1]).toFixed(2)}x` : '';
    console.log(`${name.padEnd(labelWidth)}  ${times.map((ms) => ms.toFixed(3).padStart(8)).join('  ')}${speedup}`);
  }
}
if (json) console.log(JSON.stringify({ ...result, ...(byLayer && { layers: parts }) }));
