// Runs `cnn serve` as a user would (the built launcher) on a free port, and hands back its URL once it
// has printed it; stop() sends Ctrl-C and returns what the process printed and how it ended.

import { startCli, type CliOptions, type CliResult } from './cli.js';

export interface ServingCli {
  url: string;
  port: number;
  stop(): Promise<CliResult>;
  /** Resolves once stderr matches pattern. */
  stderrMatches(pattern: RegExp): Promise<void>;
}

export async function startServe(args: string[] = [], options: CliOptions = {}): Promise<ServingCli> {
  const running = startCli(['serve', '--port', '0', ...args], options);
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
    stderrMatches: running.stderrMatches,
    stop: () => {
      running.child.kill('SIGINT');
      return running.done;
    },
  };
}
