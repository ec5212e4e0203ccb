// Where snapshots live: train writes ./params/<file> under the current directory; eval and predict
// read ./params/<file> if it exists, else the snapshot shipped inside the package.

import { existsSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isPresetName } from '../io/model-file.js';
import { presets } from '../models/presets.js';

/** The package root: dist/cli.cjs sits one level below it. */
export function packageRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..');
}

/** params/<preset file>, or for a model file params/<its name>: nets/wide.json trains into params/wide.json. */
export function defaultOutput(model: string): string {
  return join('params', isPresetName(model) ? presets[model].fileName : basename(model));
}

/** The snapshot to use when none is named, and how to describe it to the user. */
export function defaultSnapshot(model = 'simple'): string {
  const local = defaultOutput(model);
  if (existsSync(local)) return local;
  return join(packageRoot(), 'params', presets[model].fileName);
}

export function displayPath(path: string): string {
  const shown = relative(process.cwd(), path);
  return shown === '' ? '.' : shown.startsWith('..') ? path : shown;
}
