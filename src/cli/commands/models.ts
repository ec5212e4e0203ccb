// cnn models: the presets (or a model file) layer by layer, with output shapes and parameter counts,
// so a user can see what `--model` would train before spending an hour on it.

import type { Command } from 'commander';
import { describeSpec } from '../../layers/layer.js';
import { isPresetName, resolveModel } from '../../io/model-file.js';
import type { ModelSpec } from '../../models/network.js';
import { presets } from '../../models/presets.js';
import { buildNetwork } from '../../models/validate.js';
import { color, result } from '../output.js';

interface ModelsFlags {
  json?: boolean;
}

interface LayerRow {
  name: string;
  layer: string;
  output: number[];
  parameters: number;
}

interface ModelSummary {
  name: string;
  description?: string;
  input: number[];
  parameters: number;
  layers: LayerRow[];
  spec: ModelSpec;
}

export function registerModels(program: Command): void {
  program
    .command('models')
    .description('list the network presets, or show a model file, layer by layer with shapes and parameter counts')
    .argument('[model]', `a preset (${Object.keys(presets).join(', ')}) or a JSON model file`)
    .option('--json', 'print the models as JSON on stdout, each with the spec a model file can hold')
    .addHelpText('after', '\nExamples:\n  cnn models\n  cnn models deep\n  cnn models my-net.json')
    .action(async (model: string | undefined, flags: ModelsFlags) => runModels(model, flags));
}

async function runModels(model: string | undefined, flags: ModelsFlags): Promise<void> {
  const names = model === undefined ? Object.keys(presets) : [model];
  const summaries: ModelSummary[] = [];
  for (const name of names) summaries.push(summarize(name, await resolveModel(name)));
  if (flags.json) {
    result(JSON.stringify(summaries));
    return;
  }
  summaries.forEach((summary, index) => {
    if (index > 0) result();
    printSummary(summary);
  });
}

function summarize(name: string, spec: ModelSpec): ModelSummary {
  const network = buildNetwork(spec, name, { initialize: false });
  const layers = network.layers.map((layer) => ({
    name: layer.name,
    layer: describeSpec(layer.spec()),
    output: [...layer.outputShape],
    parameters: layer.params().reduce((sum, param) => sum + param.value.data.length, 0),
  }));
  return {
    name,
    ...(isPresetName(name) && { description: presets[name].description }),
    input: [...spec.input],
    parameters: layers.reduce((sum, row) => sum + row.parameters, 0),
    layers,
    spec,
  };
}

function printSummary({ name, description, input, parameters, layers }: ModelSummary): void {
  result(`${color.bold(name)}  ${parameters.toLocaleString('en-US')} parameters${description ? color.dim(`  ${description}`) : ''}`);
  const width = Math.max(...layers.map((row) => row.layer.length), 5);
  result(color.dim(`  ${'input'.padEnd(11)}${''.padEnd(width)}  [${input.join(',')}]`));
  for (const row of layers) {
    const count = row.parameters > 0 ? row.parameters.toLocaleString('en-US').padStart(10) : '';
    result(`  ${row.name.padEnd(11)}${row.layer.padEnd(width)}  ${`[${row.output.join(',')}]`.padEnd(12)}${count}`.trimEnd());
  }
}
