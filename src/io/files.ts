// Reading a file the user named, with every failure a one-line CnnError that starts with the path.
// The checks come before the read on purpose: a FIFO would block forever, a device such as
// /dev/zero never ends, and a huge file would cost its size in memory before any parser could object.

import { lstat, readFile, readlink, stat } from 'node:fs/promises';
import { CnnError } from '../errors.js';

export interface ReadLimits {
  /** What the file should be, for the messages: 'a snapshot file', 'an image file'. */
  kind: string;
  maxBytes: number;
}

export async function readUserFile(path: string, limits: ReadLimits): Promise<Buffer> {
  const fail = (reason: string, cause?: unknown): never => {
    throw new CnnError(`${path}: ${reason}`, { cause });
  };
  const info = await stat(path).catch(async (error: NodeJS.ErrnoException) => fail(await statFailure(path, error), error));
  if (info.isDirectory()) fail(`is a directory, expected ${limits.kind}`);
  if (!info.isFile()) fail(`not a regular file (${specialKind(info)}), expected ${limits.kind}`);
  if (info.size === 0) fail('the file is empty');
  if (info.size > limits.maxBytes) fail(`the file is too large (${megabytes(info.size)}; the limit is ${megabytes(limits.maxBytes)})`);
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => fail(errnoReason(error), error));
  // The file may have grown since stat.
  if (bytes.length > limits.maxBytes) fail(`the file is too large (more than ${megabytes(limits.maxBytes)})`);
  return bytes;
}

/** Why stat failed, in words; a dangling symbolic link is told apart from a missing file. */
export async function statFailure(path: string, error: NodeJS.ErrnoException, noun = 'file'): Promise<string> {
  if (error.code === 'ENOENT') {
    const link = await lstat(path).catch(() => undefined);
    if (link?.isSymbolicLink()) {
      const target = await readlink(path).catch(() => '?');
      return `broken symbolic link (it points to ${target}, which does not exist)`;
    }
  }
  return errnoReason(error, noun);
}

export function errnoReason(error: NodeJS.ErrnoException, noun = 'file'): string {
  switch (error.code) {
    case 'ENOENT':
      return `no such ${noun}`;
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EISDIR':
      return 'is a directory';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    default:
      return `cannot read (${error.message.split('\n')[0]})`;
  }
}

function specialKind(info: Awaited<ReturnType<typeof stat>>): string {
  if (info.isFIFO()) return 'a named pipe';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'a special file';
}

function megabytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 2 : 0)} MB`;
}
