// The train loop's stop, resume and divergence guard on a tiny network and a synthetic dataset: a
// run stopped at any step and resumed from its position must end bit for bit where an uninterrupted
// run ends, and a loss or weights that stop being finite must stop training before a bad step.

import { describe, expect, it } from 'vitest';
import type { Dataset } from '../data/mnist.js';
import { Network } from '../models/network.js';
import { simpleConvNet } from '../models/presets.js';
import { createOptimizer } from '../optim/index.js';
import { SGD } from '../optim/sgd.js';
import { Random } from '../tensor/random.js';
import type { FloatArray } from '../tensor/tensor.js';
import { train, TrainingDiverged, type TrainPosition } from './train.js';

const model = simpleConvNet({ input: [1, 8, 8], filters: 3, filterSize: 3, hidden: 6 });

function dataset(count: number, seed: number): Dataset {
  const random = new Random(seed);
  const images = Uint8Array.from({ length: count * 64 }, () => random.integer(256));
  const labels = Uint8Array.from({ length: count }, () => random.integer(10));
  return { count, rows: 8, columns: 8, images, labels };
}

const trainSet = dataset(23, 1);
const testSet = dataset(9, 2);
const settings = { epochs: 3, batchSize: 5, seed: 4 };

function bits(network: Network): number[][] {
  return network.params().map((param) => Array.from(new Uint32Array(Float32Array.from(param.value.data).buffer)));
}

async function uninterrupted(optimizerName: string) {
  const network = new Network(model, { seed: 2 });
  const history = await train(network, trainSet, testSet, { ...settings, optimizer: createOptimizer(optimizerName) });
  return { weights: bits(network), history };
}

describe('train: stop and resume', () => {
  // 23 images in batches of 5 is 5 steps an epoch, the last one partial: 15 steps in all.
  it.each([
    ['adam', 0], ['adam', 1], ['adam', 4], ['adam', 5], ['adam', 7], ['adam', 14],
    ['momentum', 6], ['sgd', 9], ['rmsprop', 3],
  ])('%s stopped before step %i and resumed ends bitwise where an uninterrupted run ends', async (optimizerName, stopAt) => {
    const expected = await uninterrupted(optimizerName);
    const network = new Network(model, { seed: 2 });
    const optimizer = createOptimizer(optimizerName);
    let steps = 0;
    let position: TrainPosition | undefined;
    const first = await train(network, trainSet, testSet, {
      ...settings, optimizer,
      shouldStop: () => steps++ === stopAt,
      onStop: (stopped) => {
        position = stopped;
      },
    });
    expect(position).toBeDefined();
    expect(position!.epoch * 5 + position!.batch).toBe(stopAt);
    expect(first).toHaveLength(position!.epoch);
    // A resumed process starts from what the checkpoint holds: copies, never the live objects.
    const restored = new Network(model, { seed: 99 });
    restored.params().forEach((param, index) => param.value.data.set(network.params()[index].value.data));
    const restoredOptimizer = createOptimizer(optimizerName);
    restoredOptimizer.setState(structuredClone(optimizer.state()), restored.params());
    const rest = await train(restored, trainSet, testSet, {
      ...settings, seed: 12345, optimizer: restoredOptimizer, resume: structuredClone(position!),
    });
    expect(bits(restored)).toEqual(expected.weights);
    const withoutTime = (records: { seconds: number }[]) => records.map((record) => ({ ...record, seconds: 0 }));
    expect(withoutTime([...first, ...rest])).toEqual(withoutTime(expected.history));
  });

  it('reports the position after each epoch, the one a resume starts from', async () => {
    const positions: TrainPosition[] = [];
    await train(new Network(model, { seed: 2 }), trainSet, testSet, {
      ...settings, optimizer: createOptimizer('adam'), onEpoch: (_, position) => void positions.push(position),
    });
    expect(positions.map((position) => [position.epoch, position.batch, position.images])).toEqual([[1, 0, 0], [2, 0, 0], [3, 0, 0]]);
    for (const position of positions) expect(position.random.every((word) => word >= 0 && word <= 0xffffffff)).toBe(true);
    expect(new Set(positions.map((position) => position.random.join()))).toHaveProperty('size', 3);
  });
});

/** SGD that also writes `value` into the first weight, as an exploding gradient would. */
class Poisoning extends SGD {
  constructor(private readonly value: number) {
    super(0.01);
  }

  protected override updateOne(w: FloatArray, g: FloatArray): void {
    super.updateOne(w, g);
    w[0] = this.value;
  }
}

describe('train: divergence', () => {
  it('stops at a NaN loss before the optimizer takes the step', async () => {
    const network = new Network(model, { seed: 2 });
    // One broken bias makes every score NaN, hence the loss.
    network.params()[1].value.data[0] = NaN;
    const before = bits(network);
    const optimizer = createOptimizer('adam');
    const error = await train(network, trainSet, testSet, { ...settings, optimizer }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TrainingDiverged);
    expect((error as Error).message).toBe('training diverged at epoch 1, batch 1: the loss became NaN');
    expect(bits(network)).toEqual(before);
    expect(optimizer.state().step).toBe(0);
  });

  it('stops at a later NaN loss, naming the epoch and batch', async () => {
    const error = await train(new Network(model, { seed: 2 }), trainSet, testSet, { ...settings, optimizer: new Poisoning(NaN) })
      .catch((caught: unknown) => caught);
    expect((error as Error).message).toBe('training diverged at epoch 1, batch 2: the loss became NaN');
  });

  it('refuses to finish an epoch whose last step left weights that are not finite', async () => {
    const oneBatch = { ...settings, batchSize: 100 };
    const records: unknown[] = [];
    const error = await train(new Network(model, { seed: 2 }), trainSet, testSet, {
      ...oneBatch, optimizer: new Poisoning(Infinity), onEpoch: (record) => void records.push(record),
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TrainingDiverged);
    expect((error as Error).message).toBe('training diverged at epoch 1, batch 1: weights of conv1.W are no longer finite');
    expect(records).toEqual([]);
  });
});
