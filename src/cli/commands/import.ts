// cnn import: an ONNX model (from PyTorch, say) as a snapshot, so eval, predict, filters, activations,
// report and serve work on it. Nothing is written unless the whole graph maps onto our layers.

import type { Command } from 'commander';
import { readUserFile } from '../../io/files.js';
import { saveSnapshot } from '../../io/snapshot.js';
import { displayPath } from '../locations.js';
import { checkOutput } from '../output-file.js';
import { message, result } from '../output.js';

interface ImportFlags {
  out: string;
  json?: boolean;
}

// Far above any network validate.ts lets through (2^26 weights is 256 MB), far below what a string of
// protobuf could claim.
const MAX_FILE_BYTES = 500 * 2 ** 20;

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('read an ONNX model (PyTorch, opset 9 on) into a snapshot that every other command reads')
    .argument('<model>', 'ONNX file')
    .requiredOption('-o, --out <file>', 'snapshot JSON to write')
    .option('--json', 'print a summary as JSON on stdout')
    .addHelpText('after', '\nExamples:\n  cnn import lenet.onnx -o params/lenet-pytorch.json\n  cnn eval params/lenet-pytorch.json')
    .action(async (model: string, flags: ImportFlags) => runImport(model, flags));
}

async function runImport(path: string, flags: ImportFlags): Promise<void> {
  await checkOutput(flags.out, ['.json']);
  const bytes = await readUserFile(path, { kind: 'an ONNX model', maxBytes: MAX_FILE_BYTES });
  // Loaded here rather than at the top: only export and import need protobufjs (export.ts says why).
  const { importOnnx } = await import('../../io/onnx/import.js');
  const { network, metadata, producer, opset, ending } = importOnnx(bytes, path);
  await saveSnapshot(flags.out, network, metadata);
  const parameters = network.params().reduce((sum, param) => sum + param.value.data.length, 0);
  if (ending !== undefined) message(`left out the final ${ending}: cnn's snapshots end with class scores and apply softmax themselves`);
  if (flags.json) {
    result(JSON.stringify({ out: flags.out, producer, opset, layers: network.layers.length, parameters, leftOut: ending ?? null, model: network.model }));
    return;
  }
  result(
    `wrote ${displayPath(flags.out)}: ${network.layers.length} layers (${network.layers.map((layer) => layer.name).join(' ')}), ` +
      `${parameters.toLocaleString('en-US')} parameters, from ${producer}, opset ${opset}`,
  );
}
