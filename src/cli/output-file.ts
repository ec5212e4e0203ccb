// Files that the picture commands write (-o filters.png, maps.png, report.html): checked before any
// work is done, so a typo fails in a moment, and written atomically, so a crash never leaves half a
// PNG behind.

import { access, constants, mkdir } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { CnnError, UsageError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';

/** Fails with a usage error if `path` cannot be written or does not end in one of `extensions`. */
export async function checkOutput(path: string, extensions: readonly string[]): Promise<void> {
  const extension = extname(path).toLowerCase();
  if (!extensions.includes(extension)) {
    throw new UsageError(`--out ${path}: expected a file name ending in ${extensions.join(' or ')}`);
  }
  const directory = dirname(path);
  try {
    await mkdir(directory, { recursive: true });
    await access(directory, constants.W_OK);
  } catch (error) {
    throw new UsageError(`--out ${path}: cannot write to ${directory} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

export async function writeOutput(path: string, contents: string | Uint8Array): Promise<void> {
  try {
    await writeFileAtomic(path, contents);
  } catch (error) {
    throw new CnnError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
}
