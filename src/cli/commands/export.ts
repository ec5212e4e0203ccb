// cnn export: a snapshot as an ONNX model, for ONNX Runtime and every other tool that reads ONNX.

import type { Command } from 'commander';
import { loadSnapshot } from '../../io/snapshot.js';
import { displayPath } from '../locations.js';
import { checkOutput, writeOutput } from '../output-file.js';
import { message, result } from '../output.js';
import { addModelOption, chosenSnapshot } from '../snapshot-option.js';

interface ExportFlags {
  model?: string;
  out: string;
  softmax?: boolean;
  json?: boolean;
}

export function registerExport(program: Command): void {
  addModelOption(program.command('export'))
    .description('write a snapshot as an ONNX model (opset 13, dynamic batch), to run in ONNX Runtime and elsewhere')
    .argument('[params]', 'snapshot JSON (default: ./params/<preset file>, else the shipped one)')
    .requiredOption('-o, --out <file>', 'ONNX file to write')
    .option('--softmax', 'end with a softmax, so the output is probabilities rather than class scores')
    .option('--json', 'print a summary as JSON on stdout')
    .addHelpText('after', '\nExamples:\n  cnn export -o simple.onnx\n  cnn export --model lenet --softmax -o lenet.onnx')
    .action(async (params: string | undefined, flags: ExportFlags) => runExport(params, flags));
}

async function runExport(params: string | undefined, flags: ExportFlags): Promise<void> {
  await checkOutput(flags.out, ['.onnx']);
  const path = chosenSnapshot(params, flags.model);
  const { network, metadata } = await loadSnapshot(path);
  message(`using ${displayPath(path)}`);
  // Loaded here rather than at the top: protobufjs is needed by export and import only, and every
  // other command, predict above all, starts without it.
  const { exportOnnx, INPUT_NAME, OPSET } = await import('../../io/onnx/export.js');
  const bytes = exportOnnx(network, metadata, { softmax: flags.softmax });
  await writeOutput(flags.out, bytes);
  const parameters = network.params().reduce((sum, param) => sum + param.value.data.length, 0);
  const output = flags.softmax ? 'probabilities' : 'scores';
  const summary = {
    out: flags.out, opset: OPSET, bytes: bytes.length, parameters, layers: network.layers.length,
    input: { name: INPUT_NAME, shape: ['N', ...network.model.input] }, output: { name: output, shape: ['N', network.classes] },
  };
  if (flags.json) {
    result(JSON.stringify(summary));
    return;
  }
  result(
    `wrote ${displayPath(flags.out)}: ${network.layers.length} layers, ${parameters.toLocaleString('en-US')} parameters, opset ${OPSET}, ` +
      `${(bytes.length / 2 ** 20).toFixed(1)} MB; input "${INPUT_NAME}" N x ${network.model.input.join(' x ')}, output "${output}" N x ${network.classes}`,
  );
}
