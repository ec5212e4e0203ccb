// The cnn command line: one commander program, one subcommand per file under commands/, and one
// top-level handler that turns every error into a single `cnn: <message>` line and an exit code.

import { Command, CommanderError } from 'commander';
import { CnnError, UsageError } from '../errors.js';
import { kernelRequestProblem } from '../kernels/wasm/kernel-module.js';
import { registerActivations } from './commands/activations.js';
import { registerEval } from './commands/eval.js';
import { registerExport } from './commands/export.js';
import { registerFilters } from './commands/filters.js';
import { registerImport } from './commands/import.js';
import { registerModels } from './commands/models.js';
import { registerPredict } from './commands/predict.js';
import { registerReport } from './commands/report.js';
import { registerServe } from './commands/serve.js';
import { registerTrain } from './commands/train.js';

const program = new Command();
program
  .name('cnn')
  .description('A convolutional neural network for MNIST, written from scratch in TypeScript')
  .version('0.1.0')
  .addHelpText('after', '\nAdd --debug anywhere to see stack traces for errors.')
  .exitOverride()
  // One line, like every other error: commander's message, its hint folded in.
  .configureOutput({
    outputError: (text, write) =>
      write(`cnn: ${text.trim().replace(/^error: /, '').replace(/ is invalid\. /, ' is invalid: ')} (add --help for usage)\n`),
  });
registerTrain(program);
registerEval(program);
registerPredict(program);
registerFilters(program);
registerActivations(program);
registerReport(program);
registerModels(program);
registerExport(program);
registerImport(program);
registerServe(program);
for (const command of program.commands) command.exitOverride();

// --debug is read here rather than declared per command, so it works before or after any subcommand.
const debug = process.argv.includes('--debug');
// A function rather than a top-level await: the bundle is CommonJS (scripts/build.js says why).
async function main(): Promise<void> {
  try {
    const kernelProblem = kernelRequestProblem();
    if (kernelProblem !== undefined) throw new UsageError(`CNN_KERNELS: ${kernelProblem}`);
    await program.parseAsync(process.argv.filter((argument) => argument !== '--debug'));
  } catch (error) {
    process.exitCode = exitCodeFor(error);
  }
}
let settled = false;
void main().finally(() => {
  settled = true;
});
// A command whose promise never settles (node ran out of things to wait for) is a bug: fail as a
// top-level await did (exit code 13), rather than exit 0 as if it had finished. So a command ends by
// returning, never by process.exit(0); only the interrupt handler exits early, and never with 0.
process.on('exit', (code) => {
  if (settled || code !== 0) return;
  process.stderr.write('cnn: internal error: the command stopped before it finished\n');
  process.exitCode = 13;
});

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander has printed its message already; help and version are not failures.
    return ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(error.code) ? 0 : 2;
  }
  if (error instanceof CnnError) {
    process.stderr.write(`cnn: ${debug ? error.stack : error.message}\n`);
    return error.exitCode;
  }
  const text = error instanceof Error ? (debug ? error.stack : error.message) : String(error);
  process.stderr.write(`cnn: ${text}${debug ? '' : ' (internal error; run with --debug for details)'}\n`);
  return 1;
}
