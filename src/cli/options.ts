// Option parsers for commander: each turns a string into a checked value or a usage error that says
// which option and what was wrong, e.g. `--epochs: must be a positive integer, got "0"`.

import { InvalidArgumentError } from 'commander';

export function positiveInteger(value: string): number {
  const number = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(number) || number < 1) {
    throw new InvalidArgumentError(`must be a positive integer, got "${value}"`);
  }
  return number;
}

export function nonNegativeInteger(value: string): number {
  const number = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(number)) {
    throw new InvalidArgumentError(`must be a non-negative integer, got "${value}"`);
  }
  return number;
}

export function positiveNumber(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number <= 0) {
    throw new InvalidArgumentError(`must be a positive number, got "${value}"`);
  }
  return number;
}

export function oneOf(choices: readonly string[]): (value: string) => string {
  return (value) => {
    if (!choices.includes(value)) {
      throw new InvalidArgumentError(`must be one of ${choices.join(', ')}, got "${value}"`);
    }
    return value;
  };
}
