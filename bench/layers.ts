// Where a training step's time goes: each layer's forward and backward, the loss, and the optimizer,
// as medians over the timed steps. Wraps the layers' methods in timers, so it measures the very code
// a step runs; the timers cost a few microseconds a call.

import type { Batch } from '../src/data/batches.js';
import type { Network } from '../src/models/network.js';
import type { Optimizer } from '../src/optim/optimizer.js';

export interface PartTime {
  part: string;
  ms: number;
}

export function layerTimes(network: Network, optimizer: Optimizer, batches: Iterable<Batch>, warmup: number): PartTime[] {
  const samples = new Map<string, number[]>();
  let current = new Map<string, number>();
  const timed = <T>(part: string, run: () => T): T => {
    const started = performance.now();
    const value = run();
    current.set(part, (current.get(part) ?? 0) + performance.now() - started);
    return value;
  };
  for (const layer of network.layers) {
    const forward = layer.forward.bind(layer);
    const backward = layer.backward.bind(layer);
    layer.forward = (x, train) => timed(`${layer.name} forward`, () => forward(x, train));
    layer.backward = (dout) => timed(`${layer.name} backward`, () => backward(dout));
  }
  // A fused head runs its layers as two kernels of its own, timed as one part each way.
  const head = network.head;
  if (head !== undefined) {
    const names = network.layers.slice(0, head.length).map((layer) => layer.name).join('+');
    const forward = head.forward.bind(head);
    const backward = head.backward.bind(head);
    head.forward = (x) => timed(`${names} forward, fused`, () => forward(x));
    head.backward = (dout) => timed(`${names} backward, fused`, () => backward(dout));
  }
  const loss = network.lastLayer;
  const lossForward = loss.forward.bind(loss);
  const lossBackward = loss.backward.bind(loss);
  loss.forward = (scores, labels) => timed('softmax with loss', () => lossForward(scores, labels));
  loss.backward = () => timed('softmax with loss', () => lossBackward());
  const params = network.params();
  let step = 0;
  for (const batch of batches) {
    current = new Map();
    timed('step', () => {
      network.gradient(batch.x, batch.labels);
      timed('optimizer', () => optimizer.update(params));
    });
    if (step++ >= warmup) for (const [part, ms] of current) samples.set(part, [...(samples.get(part) ?? []), ms]);
  }
  return [...samples].map(([part, times]) => ({ part, ms: median(times) }));
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
