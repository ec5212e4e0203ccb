// Runs the built CLI (dist/cli.cjs through bin/cnn.cjs) as a user would, and returns what it printed.
// startCli gives the running process too, for tests that signal or kill it midway.

import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const repositoryRoot = resolve(import.meta.dirname, '..', '..');
const launcher = resolve(repositoryRoot, 'bin', 'cnn.cjs');

export interface CliResult {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  /** The signal that ended the process, if one did. */
  signal?: NodeJS.Signals | null;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Run as another user (the tests run as root, whom no file permission stops). */
  uid?: number;
  gid?: number;
}

export interface RunningCli {
  child: ChildProcess;
  done: Promise<CliResult>;
  /** Resolves once stderr matches pattern; rejects if the process ends first. */
  stderrMatches(pattern: RegExp): Promise<void>;
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).done;
}

export function startCli(args: string[], options: CliOptions = {}): RunningCli {
  const child = spawn(process.execPath, [launcher, ...args], {
    cwd: options.cwd ?? repositoryRoot,
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    uid: options.uid,
    gid: options.gid,
  });
  let stdout = '';
  let stderr = '';
  const watchers: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const watcher of watchers.filter((item) => item.pattern.test(stderr))) {
      watchers.splice(watchers.indexOf(watcher), 1);
      watcher.resolve();
    }
  });
  const done = new Promise<CliResult>((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode, signal) => resolvePromise({ stdout, stderr, exitCode, signal }));
  });
  const stderrMatches = (pattern: RegExp): Promise<void> =>
    new Promise<void>((resolvePromise, reject) => {
      if (pattern.test(stderr)) return resolvePromise();
      watchers.push({ pattern, resolve: resolvePromise });
      void done.then(() => reject(new Error(`the CLI ended before stderr matched ${pattern}:\n${stderr}`)));
    });
  return { child, done, stderrMatches };
}
