// cnn predict: classify the user's own digit images, each prepared the way MNIST digits were.

import type { Command } from 'commander';
import { CnnError } from '../../errors.js';
import { loadDigitImage } from '../../io/image.js';
import { renderDigit } from '../../io/preprocess.js';
import { loadSnapshot } from '../../io/snapshot.js';
import { argmax } from '../../models/network.js';
import { displayPath } from '../locations.js';
import { addModelOption, chosenSnapshot } from '../snapshot-option.js';
import { positiveInteger } from '../options.js';
import { color, colorErr, message, percent, result } from '../output.js';

interface PredictFlags {
  model?: string;
  params?: string;
  top: number;
  show?: boolean;
  json?: boolean;
}

type Outcome = { file: string; digit: number; probabilities: number[] } | { file: string; error: string };

export function registerPredict(program: Command): void {
  addModelOption(program.command('predict'))
    .description('classify images of handwritten digits (PNG, JPEG, ...)')
    .argument('<image...>', 'image files, one digit each, dark-on-light or light-on-dark')
    .option('--params <file>', 'snapshot JSON (default: ./params/<preset file>, else the shipped one)')
    .option('--top <k>', 'how many candidates to list', positiveInteger, 3)
    .option('--show', 'draw the 28x28 input the network saw')
    .option('--json', 'print the results as JSON on stdout')
    .addHelpText('after', '\nExample:\n  cnn predict data/digit-3-paper.jpg --show')
    .action(async (images: string[], flags: PredictFlags) => runPredict(images, flags));
}

async function runPredict(images: string[], flags: PredictFlags): Promise<void> {
  const path = chosenSnapshot(flags.params, flags.model);
  const { network } = await loadSnapshot(path);
  // Said before the first result, not before the first error: a bad image gets one line, nothing else.
  let announced = false;
  const outcomes: Outcome[] = [];
  for (const file of images) {
    try {
      const digit = await loadDigitImage(file);
      if (!announced) message(`using ${displayPath(path)}`);
      announced = true;
      const probabilities = Array.from(network.probabilities({ shape: [1, ...network.model.input], data: digit.pixels }).data);
      const outcome = { file, digit: argmax(probabilities, 0, probabilities.length), probabilities };
      outcomes.push(outcome);
      if (!flags.json) printOutcome(outcome, flags.top);
      if (flags.show) {
        const drawing = renderDigit(digit.pixels);
        if (flags.json) message(drawing);
        else result(drawing);
      }
    } catch (error) {
      // Only the user's files are reported and passed over; anything else is a bug, for main.ts to report.
      if (!(error instanceof CnnError)) throw error;
      const text = error.message;
      outcomes.push({ file, error: text });
      if (!flags.json) message(`cnn: ${colorErr.red(text)}`);
    }
  }
  if (flags.json) result(JSON.stringify(outcomes));
  if (outcomes.some((outcome) => 'error' in outcome)) process.exitCode = 1;
}

function printOutcome({ file, digit, probabilities }: { file: string; digit: number; probabilities: number[] }, top: number): void {
  const ranked = probabilities.map((p, k) => [k, p] as const).sort((a, b) => b[1] - a[1]).slice(0, top);
  const candidates = ranked.map(([k, p]) => `${k} ${percent(p, 1)}`).join(', ');
  result(`${file}: ${color.bold.green(String(digit))} (${percent(probabilities[digit], 1)})  ${color.dim(`top ${top}: ${candidates}`)}`);
}
