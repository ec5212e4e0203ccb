// Worker threads that run the WebAssembly kernels over the same shared memory as the main thread.
// A parallel call hands each worker one share of a kernel (a block of rows, a range of images) and
// the main thread does the first share itself, then waits. Shares depend only on the shapes and the
// thread count, never on timing, so results are reproducible for a given thread count.
//
// Signalling is a few Atomics on a SharedArrayBuffer per worker, not postMessage: a training step
// makes dozens of parallel calls, and a message round trip would cost more than a small kernel.
// Both sides poll for a moment before they sleep: on a virtual machine an idle core halts, and waking
// it takes tens of microseconds, which dozens of calls per step add up to a share of the step itself
// (1-2 ms of 20 here). The next job, or the worker's result, nearly always comes within the moment.

//
// The workers themselves come from a transport: worker_threads here (transport.ts), Web Workers in
// the page of `cnn serve` (transport-web.ts, which its build puts in place of transport.ts). The pool,
// its shares and its signalling are the same on both.

import { memory } from './arena.js';
import { availableParallelism, spawnWorker, type PoolWorker } from './transport.js';

/** Kernel names a worker can run; a job names one by its index here. */
export const jobNames = [
  'gemm', 'im2col', 'col2im', 'reluForward', 'reluBackward', 'rowsToPlanes', 'maxPoolForward',
  'convolutionForward', 'convolutionWeightGradient', 'maxPoolBackward', 'adamUpdate', 'sigmoidForward', 'sigmoidBackward',
  'averagePoolForward', 'averagePoolBackward', 'lrnForward', 'lrnBackward', 'convolutionWeightGradientPooled',
  'multiplyAddPeak', 'convolutionReluPool', 'gatherColumns', 'scatterColumns', 'sgdUpdate',
  'momentumUpdate', 'scaledUpdate',
] as const;
export type JobName = (typeof jobNames)[number];
export interface Job {
  name: JobName;
  args: number[];
}

const maximumArguments = 16;
// How long each side polls before it sleeps: longer than the gap between two kernels of a step, far
// shorter than anything a user would notice as a busy core. Only while every thread has a core of
// its own: with more threads than cores, a polling thread takes the time a working one needs.
const pollMilliseconds = 0.3;
const idle = 0;
const busy = 1;
const failed = 2;

// The worker's whole program, evaluated as a script: instantiate the module over the shared memory,
// then wait for a job, run it, report, forever. Kept as a string so the bundle needs no extra file;
// the transport puts `workerData` and `report` in scope before it. A failure's message goes to
// report before the state says failed, so the main thread can read it then. A worker that cannot
// instantiate the module fails every job with that error, rather than leave the main thread waiting
// for it. The worker sleeps on whatever state it last saw, so a failed state waits for the main
// thread to reset it instead of spinning.
const workerSource = `
const { module, memory, states, args, slot, names, maximumArguments, poll } = workerData;
const state = new Int32Array(states);
const values = new Float64Array(args);
let functions;
let unusable;
try {
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  functions = names.map((name) => exports[name]);
} catch (error) {
  unusable = error;
}
for (;;) {
  for (const until = performance.now() + poll; Atomics.load(state, slot * 4) === ${idle} && performance.now() < until; );
  const seen = Atomics.load(state, slot * 4);
  if (seen !== ${busy}) {
    Atomics.wait(state, slot * 4, seen);
    continue;
  }
  const base = slot * maximumArguments;
  const count = state[slot * 4 + 2];
  try {
    if (unusable) throw unusable;
    functions[state[slot * 4 + 1]](...values.subarray(base, base + count));
    Atomics.store(state, slot * 4, ${idle});
  } catch (error) {
    report(String(error && error.message ? error.message : error));
    Atomics.store(state, slot * 4, ${failed});
  }
  Atomics.notify(state, slot * 4);
}`;

let workers: PoolWorker[] = [];
let states: Int32Array = new Int32Array(0);
let values: Float64Array = new Float64Array(0);
let runLocally: ((job: Job) => void) | undefined;
let poll = 0;

/** Threads used by default: every core the machine offers. */
export function defaultThreadCount(): number {
  return Math.max(1, availableParallelism());
}

export function threadCount(): number {
  return workers.length + 1;
}

/**
 * Starts count-1 workers (the main thread is the first thread). run executes a job on the main
 * thread; module is the compiled kernels. Workers do not keep the process alive.
 */
export function startThreads(count: number, module: WebAssembly.Module, run: (job: Job) => void): void {
  stopThreads();
  runLocally = run;
  const helpers = Math.max(0, Math.floor(count) - 1);
  if (helpers === 0) return;
  poll = helpers + 1 <= availableParallelism() ? pollMilliseconds : 0;
  const stateBuffer = new SharedArrayBuffer(helpers * 4 * 4);
  const argumentBuffer = new SharedArrayBuffer(helpers * maximumArguments * 8);
  states = new Int32Array(stateBuffer);
  values = new Float64Array(argumentBuffer);
  workers = Array.from({ length: helpers }, (_, slot) =>
    spawnWorker(workerSource, { module, memory, states: stateBuffer, args: argumentBuffer, slot, names: [...jobNames], maximumArguments, poll }),
  );
}

/**
 * Resolves once every worker runs. Worker threads start on their own; a Web Worker starts only
 * after its creator returns to its event loop, so in the page this must come before the first
 * parallel call, which blocks that thread until the worker answers.
 */
export async function threadsReady(): Promise<void> {
  await Promise.all(workers.map((worker) => worker.ready));
}

export function stopThreads(): void {
  for (const worker of workers) worker.terminate();
  workers = [];
}

/** Runs jobs[0] here and jobs[1..] on workers 0.., and returns when all are done. */
export function runParallel(jobs: Job[]): void {
  if (jobs.length - 1 > workers.length) throw new RangeError(`runParallel: ${jobs.length} jobs for ${workers.length + 1} threads`);
  for (let slot = 0; slot < jobs.length - 1; slot++) {
    const { name, args } = jobs[slot + 1];
    values.set(args, slot * maximumArguments);
    states[slot * 4 + 1] = jobNames.indexOf(name);
    states[slot * 4 + 2] = args.length;
    Atomics.store(states, slot * 4, busy);
    Atomics.notify(states, slot * 4);
  }
  // Every share is waited for, even when this one throws, so that no worker is still writing into
  // memory when the call returns, and every failed slot is made ready for the next call.
  let localFailure: unknown;
  try {
    (runLocally as (job: Job) => void)(jobs[0]);
  } catch (error) {
    localFailure = error ?? new Error(`${jobs[0].name} failed`);
  }
  const failure = waitForWorkers(jobs);
  if (localFailure !== undefined) throw localFailure;
  if (failure !== undefined) throw new Error(failure);
}

/** Waits until no worker of this call is busy; says which failed first, if any did. */
function waitForWorkers(jobs: Job[]): string | undefined {
  let failure: string | undefined;
  for (let slot = 0; slot < jobs.length - 1; slot++) {
    for (const until = performance.now() + poll; Atomics.load(states, slot * 4) === busy && performance.now() < until; );
    while (Atomics.load(states, slot * 4) === busy) Atomics.wait(states, slot * 4, busy);
    if (states[slot * 4] === failed) {
      const reason = workers[slot].failure();
      Atomics.store(states, slot * 4, idle);
      Atomics.notify(states, slot * 4);
      failure ??= `worker thread ${slot + 1} failed in ${jobs[slot + 1].name}${reason === undefined ? '' : `: ${reason}`}`;
    }
  }
  return failure;
}

/** Splits [0, total) into at most `parts` contiguous ranges, each a multiple of `unit` but the last. */
export function shares(total: number, parts: number, unit = 1): [number, number][] {
  const units = Math.ceil(total / unit);
  const count = Math.max(1, Math.min(parts, units));
  const ranges: [number, number][] = [];
  for (let part = 0; part < count; part++) {
    const start = Math.min(total, Math.floor((units * part) / count) * unit);
    const end = Math.min(total, Math.floor((units * (part + 1)) / count) * unit);
    if (end > start) ranges.push([start, end]);
  }
  return ranges;
}
