// Checkpoints: save then load restores weights, optimizer state, position and settings exactly; a
// plain snapshot, a doctored section or broken optimizer state is refused with a line naming it.

import { describe, expect, it } from 'vitest';
import { CnnError } from '../errors.js';
import { Network } from '../models/network.js';
import { simpleConvNet } from '../models/presets.js';
import { createOptimizer } from '../optim/index.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { TrainPosition } from '../train/train.js';
import { checkpointPath, parseCheckpoint, serializeCheckpoint, type Checkpoint, type TrainSettings } from './checkpoint.js';
import { serializeSnapshot } from './snapshot.js';

const model = simpleConvNet({ input: [1, 10, 10], filters: 4, filterSize: 3, hidden: 8 });

const settings: TrainSettings = {
  model: 'simple', epochs: 5, batchSize: 10, optimizer: 'adam', learningRate: 0.002, seed: 3,
  trainLimit: 100, testLimit: null, data: null, out: 'net.json', threads: 2, augment: true, validation: 20, weightInit: 'he',
};
const position: TrainPosition = {
  epoch: 2, batch: 3, random: [1, 0xffffffff, 7, 123456789], lossSum: 12.5, correct: 7, images: 30, seconds: 1.25,
};
const history = [1, 2].map((epoch) => ({ epoch, trainLoss: 1 / epoch, trainAccuracy: 0.5, testAccuracy: 0.25, seconds: 1 }));

/** A network and an Adam that has taken two steps, so that m and v hold real values. */
function stepped(): { network: Network; optimizer: Optimizer } {
  const network = new Network(model, { seed: 5 });
  const optimizer = createOptimizer('adam', 0.002);
  for (let step = 1; step <= 2; step++) {
    network.params().forEach((param) => param.grad.data.forEach((_, i) => (param.grad.data[i] = Math.sin(i * step))));
    optimizer.update(network.params());
  }
  return { network, optimizer };
}

function checkpointText(change: (document: Record<string, any>) => void = () => undefined): string {
  const { network, optimizer } = stepped();
  const document = JSON.parse(serializeCheckpoint({ network, optimizer, settings, position, metadata: { history } }));
  change(document);
  return JSON.stringify(document);
}

/** The lowest mantissa bit of the first value: still finite, so only the checksum can tell. */
function flipLowestBit(data: string): string {
  const bytes = Buffer.from(data, 'base64');
  bytes[0] ^= 1;
  return bytes.toString('base64');
}

function parseError(text: string): string {
  const error = (() => {
    try {
      parseCheckpoint(text, 'net.ckpt.json');
    } catch (caught) {
      return caught;
    }
    throw new Error('parseCheckpoint accepted a bad checkpoint');
  })();
  expect(error).toBeInstanceOf(CnnError);
  return (error as Error).message;
}

describe('checkpoints', () => {
  it('round-trip weights, optimizer state, position and settings exactly', () => {
    const { network, optimizer } = stepped();
    const loaded: Checkpoint = parseCheckpoint(checkpointText(), 'net.ckpt.json');
    expect(loaded.settings).toEqual(settings);
    expect(loaded.position).toEqual(position);
    expect(loaded.metadata.history).toEqual(history);
    expect(loaded.optimizer.name).toBe('adam');
    expect(loaded.optimizer.learningRate).toBe(0.002);
    expect(loaded.optimizer.state()).toEqual(optimizer.state());
    expect(loaded.network.params().map((param) => Array.from(param.value.data))).toEqual(network.params().map((param) => Array.from(param.value.data)));
  });

  it('restore an optimizer that continues exactly like the original', () => {
    const { network, optimizer } = stepped();
    const loaded = parseCheckpoint(checkpointText(), 'net.ckpt.json');
    for (const [net, rule] of [[network, optimizer], [loaded.network, loaded.optimizer]] as const) {
      net.params().forEach((param) => param.grad.data.fill(0.125));
      rule.update(net.params());
    }
    expect(loaded.network.params().map((param) => Array.from(param.value.data))).toEqual(network.params().map((param) => Array.from(param.value.data)));
  });

  it('are snapshots too, which eval can read', () => {
    expect(JSON.parse(checkpointText())).toMatchObject({ format: 'cnn-snapshot', version: 1 });
  });

  it('sit beside the snapshot', () => {
    expect(checkpointPath('params/simple-convnet.json')).toBe('params/simple-convnet.ckpt.json');
    expect(checkpointPath('out/net')).toBe('out/net.ckpt.json');
  });

  it('refuse to save optimizer state that is not finite', () => {
    const { network, optimizer } = stepped();
    const state = optimizer.state();
    state.slots['affine1.b'][1][2] = Infinity;
    optimizer.setState(state, network.params());
    expect(() => serializeCheckpoint({ network, optimizer, settings, position, metadata: { history } })).toThrow(
      new CnnError('refusing to save: optimizer state affine1.b[1] holds Infinity at index 2'),
    );
  });

  it.each<[string, (document: Record<string, any>) => void, RegExp]>([
    ['a plain snapshot', (d) => delete d.checkpoint, /^net.ckpt.json: not a checkpoint \(no "checkpoint" section\); pass the .ckpt.json file/],
    ['an empty model', (d) => (d.checkpoint.settings.model = ''), /^net.ckpt.json: checkpoint.settings.model must be a preset \(simple, lenet, alexnet, deep\) or a model file, got ""$/],
    ['augment not a boolean', (d) => (d.checkpoint.settings.augment = 'yes'), /checkpoint.settings.augment must be true or false, got "yes"$/],
    ['an unknown weight init', (d) => (d.checkpoint.settings.weightInit = 'lecun'), /checkpoint.settings.weightInit must be null, a positive number or one of he, xavier, relu, sigmoid, got "lecun"$/],
    ['a zero validation count', (d) => (d.checkpoint.settings.validation = 0), /checkpoint.settings.validation must be null or a positive integer, got 0$/],
    ['a zero batch size', (d) => (d.checkpoint.settings.batchSize = 0), /checkpoint.settings.batchSize must be a positive integer, got 0$/],
    ['an unknown optimizer', (d) => (d.checkpoint.settings.optimizer = 'lion'), /checkpoint.settings.optimizer must be one of sgd, /],
    ['a NaN learning rate', (d) => (d.checkpoint.settings.learningRate = 'NaN'), /checkpoint.settings.learningRate must be a positive number, got "NaN"$/],
    ['an output path outside its directory', (d) => (d.checkpoint.settings.out = '../../etc/passwd'), /checkpoint.settings.out must be a file name, got "..\/..\/etc\/passwd"$/],
    ['an epoch past the last', (d) => (d.checkpoint.position.epoch = 6), /checkpoint.position.epoch must be an integer from 0 to 5, got 6$/],
    ['a batch inside the epoch after the last', (d) => Object.assign(d.checkpoint.position, { epoch: 5 }), /is inside epoch 6, after the last \(5\)$/],
    ['an all-zero RNG state', (d) => (d.checkpoint.position.random = [0, 0, 0, 0]), /checkpoint.position.random must be four 32-bit words, not all zero/],
    ['a 33-bit RNG word', (d) => (d.checkpoint.position.random[0] = 2 ** 32), /checkpoint.position.random must be four 32-bit words/],
    ['more correct than images', (d) => (d.checkpoint.position.correct = 31), /counts more correct images than images$/],
    ['images without batches', (d) => (d.checkpoint.position.batch = 0), /checkpoint.position has 0 batches but 30 images$/],
    ['history shorter than the epochs', (d) => d.metadata.history.pop(), /metadata.history has 1 epochs, but the checkpoint is at epoch 2$/],
    ['a missing optimizer section', (d) => delete d.checkpoint.optimizer, /checkpoint.optimizer must be an object, got missing$/],
    ['a fractional step', (d) => (d.checkpoint.optimizer.step = 1.5), /checkpoint.optimizer.step must be a non-negative integer, got 1.5$/],
    ['state for a parameter the model lacks', (d) => (d.checkpoint.optimizer.slots['conv9.W'] = []), /slots has conv9.W, which the model does not have$/],
    ['no state for a parameter', (d) => delete d.checkpoint.optimizer.slots['conv1.b'], /slots has no state for conv1.b$/],
    ['a slot of the wrong length', (d) => (d.checkpoint.optimizer.slots['conv1.b'][0] = d.checkpoint.optimizer.slots['affine1.b'][0]), /slots.conv1.b\[0\]: data holds 32 bytes, expected 16/],
    ['a slot without its checksum', (d) => delete d.checkpoint.optimizer.slots['conv1.b'][1].sha256, /slots.conv1.b\[1\]: sha256 must be 64 hex digits$/],
    ['a corrupt slot', (d) => (d.checkpoint.optimizer.slots['conv1.W'][0].data = flipLowestBit(d.checkpoint.optimizer.slots['conv1.W'][0].data)), /slots.conv1.W\[0\]: checksum mismatch/],
    ['one slot where Adam keeps two', (d) => d.checkpoint.optimizer.slots['conv1.W'].pop(), /checkpoint.optimizer does not fit adam: optimizer state for conv1.W does not match/],
    ['the state of another optimizer', (d) => (d.checkpoint.settings.optimizer = 'momentum'), /checkpoint.optimizer does not fit momentum/],
    ['a broken weight', (d) => (d.tensors['conv1.b'].data = flipLowestBit(d.tensors['conv1.b'].data)), /^net.ckpt.json: tensor conv1.b: checksum mismatch/],
  ])('refuse %s', (_case, change, pattern) => {
    expect(parseError(checkpointText(change))).toMatch(pattern);
  });

  it('refuse a plain snapshot even when it is otherwise perfect', () => {
    expect(parseError(serializeSnapshot(new Network(model), {}))).toMatch(/not a checkpoint/);
  });
});
