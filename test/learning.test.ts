// A seeded learning test: SimpleConvNet learns a 1000-image subset of real MNIST in a hundred steps.

import { describe, expect, it } from 'vitest';
import { limitDataset, loadMnist } from '../src/data/mnist.js';
import { Network } from '../src/models/network.js';
import { simpleConvNet } from '../src/models/presets.js';
import { Adam } from '../src/optim/adam.js';
import { evaluate } from '../src/train/evaluate.js';
import { train } from '../src/train/train.js';

describe('learning', () => {
  it('SimpleConvNet drives the loss down and fits 1000 MNIST images', async () => {
    const mnist = await loadMnist();
    const trainSet = limitDataset(mnist.train, 1000);
    const testSet = limitDataset(mnist.test, 500);
    const network = new Network(simpleConvNet(), { seed: 1 });
    const before = evaluate(network, trainSet);
    const history = await train(network, trainSet, testSet, { epochs: 5, batchSize: 50, optimizer: new Adam(), seed: 1 });
    const after = evaluate(network, trainSet);
    expect(history.map((record) => record.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(history[0].trainLoss).toBeGreaterThan(1.0);
    expect(history[4].trainLoss).toBeLessThan(history[0].trainLoss * 0.5);
    expect(before.accuracy).toBeLessThan(0.3);
    expect(after.accuracy).toBeGreaterThan(0.85);
    expect(history[4].testAccuracy).toBeGreaterThan(0.75);
  });

  it('is exactly reproducible for a seed', async () => {
    const mnist = await loadMnist();
    const trainSet = limitDataset(mnist.train, 200);
    const run = async () => {
      const network = new Network(simpleConvNet(), { seed: 7 });
      await train(network, trainSet, limitDataset(mnist.test, 100), { epochs: 1, batchSize: 50, optimizer: new Adam(), seed: 3 });
      return network.params().map((p) => Array.from(p.value.data));
    };
    expect(await run()).toEqual(await run());
  });
});
