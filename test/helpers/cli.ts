// Runs the built CLI (dist/cli.js through bin/cnn.js) as a user would, and returns what it printed.

import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const repositoryRoot = resolve(import.meta.dirname, '..', '..');
const launcher = resolve(repositoryRoot, 'bin', 'cnn.js');

export interface CliResult {
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [launcher, ...args], {
      cwd: options.cwd ?? repositoryRoot,
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (exitCode) => resolvePromise({ stdout, stderr, exitCode }));
  });
}
