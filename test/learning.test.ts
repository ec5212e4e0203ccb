// Seeded learning tests: every preset learns a small subset of real MNIST in a few dozen steps, with
// and without augmentation. Full-MNIST accuracy is measured by training runs, not here (see README).

import { describe, expect, it } from 'vitest';
import { limitDataset, loadMnist } from '../src/data/mnist.js';
import { Network } from '../src/models/network.js';
import { presets, simpleConvNet } from '../src/models/presets.js';
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

  // Measured once (seed 1): alexnet reached 75.5% on the 200 test images, deep 42.5%, after 60 steps;
  // LeNet's sigmoids sit on a plateau for the first hundred steps, so it gets 200 smaller ones (50%).
  it.each([
    ['alexnet', 600, 30, 0.5],
    ['deep', 600, 30, 0.3],
    ['lenet', 1000, 20, 0.3],
  ])('%s learns %i images, its train loss falling, with augmentation on', async (name, images, batchSize, minimum) => {
    const mnist = await loadMnist();
    const network = new Network(presets[name].model(), { seed: 1 });
    const epochs = name === 'lenet' ? 4 : 3;
    const history = await train(network, limitDataset(mnist.train, images), limitDataset(mnist.test, 200), {
      epochs, batchSize, optimizer: new Adam(name === 'lenet' ? 0.003 : 0.002), seed: 1, augment: true,
    });
    expect(history[epochs - 1].trainLoss).toBeLessThan(history[0].trainLoss * 0.9);
    expect(history[epochs - 1].testAccuracy).toBeGreaterThan(minimum);
  }, 120_000);

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
