// A user's own architecture for `cnn train --model net.json`: a JSON list of layer specs (the input is
// then MNIST's [1,28,28]), or the {input, layers} object a snapshot stores under "model", or a whole
// snapshot, whose architecture is taken and its weights ignored. Validated completely, geometry
// included, before any data loads, so a bad layer is reported in a second rather than after one.

import { existsSync } from 'node:fs';
import { CnnError } from '../errors.js';
import { readUserFile } from './files.js';
import type { ModelSpec } from '../models/network.js';
import { presets } from '../models/presets.js';
import { buildNetwork, validateModelSpec } from '../models/validate.js';

const MAX_MODEL_FILE_BYTES = 4 * 2 ** 20;
const mnistInput = [1, 28, 28];

/** A preset name, or else a path to a model file (anything ending in .json or naming a folder). */
export function isPresetName(model: string): boolean {
  return Object.hasOwn(presets, model);
}

export async function loadModelFile(path: string): Promise<ModelSpec> {
  const text = (await readUserFile(path, { kind: 'a model file', maxBytes: MAX_MODEL_FILE_BYTES })).toString('utf8');
  return parseModelFile(text, path);
}

export function parseModelFile(text: string, where: string): ModelSpec {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new CnnError(`${where}: not valid JSON: ${(error as Error).message.replace(/\s+/g, ' ')}`);
  }
  let model: unknown = document;
  if (Array.isArray(document)) {
    model = { input: mnistInput, layers: document };
  } else if (typeof document === 'object' && document !== null && 'format' in document) {
    // A snapshot: train its architecture afresh.
    model = (document as { model?: unknown }).model;
  }
  const checked = validateModelSpec(model, where);
  // Building it runs every layer's geometry check; the weights are left zero and thrown away.
  buildNetwork(checked, where, { initialize: false });
  return checked;
}

/** The model a `--model` value names: a preset's spec, or the spec read from the file. */
export async function resolveModel(model: string): Promise<ModelSpec> {
  if (isPresetName(model)) return presets[model].model();
  if (!model.endsWith('.json') && !existsSync(model)) {
    throw new CnnError(`${model}: not a preset (${Object.keys(presets).join(', ')}) and no such model file`);
  }
  return loadModelFile(model);
}

export { mnistInput };
