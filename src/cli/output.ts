// Printing conventions in one place: results to stdout, messages to stderr, colour by chalk (which
// honours NO_COLOR and FORCE_COLOR), each stream's colour support detected on its own.

import chalk, { chalkStderr } from 'chalk';

export const color = chalk;
export const colorErr = chalkStderr;

export function result(line = ''): void {
  process.stdout.write(`${line}\n`);
}

export function message(line: string): void {
  process.stderr.write(`${line}\n`);
}

export function percent(fraction: number, digits = 2): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}
