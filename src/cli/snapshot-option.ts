// Which snapshot a reading command uses: the file named, or else the preset's own under ./params or
// shipped in the package, chosen with --model (simple by default).

import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { CnnError, UsageError } from '../errors.js';
import { presets } from '../models/presets.js';
import { defaultSnapshot } from './locations.js';
import { oneOf } from './options.js';

export function addModelOption(command: Command): Command {
  const names = Object.keys(presets);
  return command.option('--model <name>', `with no snapshot named, use this preset's (${names.join(', ')}; default simple)`, oneOf(names));
}

export function chosenSnapshot(params: string | undefined, model: string | undefined): string {
  if (params !== undefined && model !== undefined) {
    throw new UsageError(`--model ${model}: a snapshot file is named already (${params}); give one or the other`);
  }
  if (params !== undefined) return params;
  const path = defaultSnapshot(model);
  if (model !== undefined && !existsSync(path)) {
    throw new CnnError(`no ${model} snapshot in ./params or shipped with cnn; train one with: cnn train --model ${model}`);
  }
  return path;
}
