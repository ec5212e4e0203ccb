// The training settings as the form holds them, checked the way `cnn train` checks its flags, each
// fault named in one line ("epochs: must be a positive integer, got "0"").

import { CnnError } from '../../errors.js';
import { parseModelFile } from '../../io/model-file.js';
import { presets } from '../../models/presets.js';
import { optimizerNames } from '../../optim/index.js';
import type { TrainSettings } from '../worker/protocol.js';

const field = (id: string): HTMLInputElement => document.getElementById(id) as HTMLInputElement;

export const pastedModel = 'model file';

/** Fills the form's lists: models, optimizers, thread counts (one without shared memory). */
export function setUpTrainForm(presetNames: string[]): void {
  const model = field('train-model') as unknown as HTMLSelectElement;
  for (const name of presetNames) model.append(new Option(name, name));
  model.append(new Option('a model file (paste below)', pastedModel));
  const text = field('train-model-text').closest('label') as HTMLElement;
  const toggle = (): void => void (text.hidden = model.value !== pastedModel);
  model.addEventListener('change', toggle);
  toggle();
  const optimizer = field('train-optimizer') as unknown as HTMLSelectElement;
  for (const name of optimizerNames) optimizer.append(new Option(name, name));
  optimizer.value = 'adam';
  const threads = field('train-threads') as unknown as HTMLSelectElement;
  const most = crossOriginIsolated ? Math.min(16, navigator.hardwareConcurrency || 1) : 1;
  for (let count = 1; count <= most; count++) threads.append(new Option(String(count), String(count)));
  threads.value = String(most);
}

export function readTrainForm(mnist: Record<string, string>): TrainSettings {
  const modelChoice = field('train-model').value;
  const model = modelChoice === pastedModel ? parseModelFile(field('train-model-text').value, 'model file') : presets[modelChoice].model();
  const learningRate = field('train-learning-rate').value.trim();
  return {
    modelName: modelChoice === pastedModel ? 'model-file' : modelChoice,
    model,
    epochs: positiveInteger('train-epochs', 'epochs'),
    batchSize: positiveInteger('train-batch-size', 'batch size'),
    optimizer: field('train-optimizer').value,
    ...(learningRate !== '' && { learningRate: positiveNumber(learningRate, 'learning rate') }),
    seed: positiveInteger('train-seed', 'seed'),
    trainLimit: positiveInteger('train-limit', 'training images'),
    testLimit: positiveInteger('train-test-limit', 'test images'),
    threads: Number(field('train-threads').value),
    mnist,
  };
}

function positiveInteger(id: string, label: string): number {
  const value = field(id).value;
  const number = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(number) || number < 1) {
    throw new CnnError(`${label}: must be a positive integer, got "${value}"`);
  }
  return number;
}

function positiveNumber(value: string, label: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new CnnError(`${label}: must be a positive number, got "${value}"`);
  return number;
}
