// Runs `cnn serve` as a user would (the built launcher) on a free port, and hands back its URL once it
// has printed it; stop() sends Ctrl-C and returns what the process printed and how it ended.

import { startCli, type CliResult } from './cli.js';

export interface ServingCli {
  url: string;
  port: number;
  stop(): Promise<CliResult>;
}

export async function startServe(args: string[] = []): Promise<ServingCli> {
  const running = startCli(['serve', '--port', '0', ...args]);
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    running.child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^(http:\/\/\S+)\n/m.exec(stdout);
      if (match) resolve(match[1]);
    });
    void running.done.then((result) => reject(new Error(`cnn serve ended first: ${result.stderr}`)));
  });
  return {
    url,
    port: Number(new URL(url).port),
    stop: () => {
      running.child.kill('SIGINT');
      return running.done;
    },
  };
}
