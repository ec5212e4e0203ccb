// cnn filters: the first convolution layer's filters as a PNG grid, trained or (--init) as they were
// before training, rebuilt from the snapshot's model and seed.

import type { Command } from 'commander';
import { CnnError } from '../../errors.js';
import { loadSnapshot, type SnapshotMetadata } from '../../io/snapshot.js';
import type { Param } from '../../layers/layer.js';
import { Network } from '../../models/network.js';
import { renderFilterSheet } from '../../viz/filter-sheet.js';
import { encodePng } from '../../viz/png.js';
import { displayPath } from '../locations.js';
import { addModelOption, chosenSnapshot } from '../snapshot-option.js';
import { checkOutput, writeOutput } from '../output-file.js';
import { message, result } from '../output.js';

interface FiltersFlags {
  model?: string;
  out: string;
  init?: boolean;
}

export function registerFilters(program: Command): void {
  addModelOption(program.command('filters'))
    .description("draw the first convolution layer's filters as a grid of grey tiles (PNG)")
    .argument('[params]', 'snapshot JSON (default: ./params/<preset file>, else the shipped one)')
    .requiredOption('-o, --out <file>', 'PNG file to write')
    .option('--init', 'draw the initial weights the same seed gave, before any training')
    .addHelpText('after', '\nExample:\n  cnn filters -o filters.png && cnn filters --init -o filters-init.png')
    .action(async (params: string | undefined, flags: FiltersFlags) => runFilters(params, flags));
}

async function runFilters(params: string | undefined, flags: FiltersFlags): Promise<void> {
  await checkOutput(flags.out, ['.png']);
  const path = chosenSnapshot(params, flags.model);
  const { network, metadata } = await loadSnapshot(path);
  message(`using ${displayPath(path)}`);
  const weights = firstConvolutionWeights(flags.init ? initialNetwork(network, metadata, path) : network, path);
  const [F, C, KH, KW] = weights.value.shape;
  const state = flags.init ? 'before training' : trainedState(metadata);
  const sheet = renderFilterSheet(weights.value, `${weights.name.replace(/\.W$/, '')} ${state}`);
  await writeOutput(flags.out, await encodePng(sheet.canvas));
  const channels = C > 1 ? ` x ${C} channels` : '';
  result(
    `wrote ${displayPath(flags.out)}: ${F} filters ${KH}x${KW}${channels}, ${flags.init ? `initial weights from seed ${metadata.seed}` : state}, ` +
      `${sheet.columns}x${sheet.rows} grid, ${sheet.canvas.width}x${sheet.canvas.height} pixels`,
  );
}

/** The same model and seed give the same initial weights: Network draws them in layer order. */
export function initialNetwork(network: Network, metadata: SnapshotMetadata, path: string): Network {
  if (metadata.seed === undefined) {
    throw new CnnError(`${path}: the snapshot does not record its seed, so its initial weights cannot be rebuilt`);
  }
  return new Network(network.model, { seed: metadata.seed });
}

export function firstConvolutionWeights(network: Network, path: string): Param {
  const layer = network.layers.find((candidate) => candidate.spec().type === 'convolution');
  const weights = layer?.params().find((param) => param.name.endsWith('.W'));
  if (weights === undefined) throw new CnnError(`${path}: the model has no convolution layer, so no filters to draw`);
  return weights;
}

function trainedState(metadata: SnapshotMetadata): string {
  if (metadata.epochs === undefined) return 'trained';
  return `after ${metadata.epochs} epoch${metadata.epochs === 1 ? '' : 's'}`;
}
