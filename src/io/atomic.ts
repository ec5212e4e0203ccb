// Atomic file replacement: readers see the old file or the new one, never half of either, even if the
// process dies mid-write. A training run overwrites its snapshot every epoch, so this matters.
// The half-written temp file is ours to clean up: at once on a forced exit, and, after a kill -9
// that gave no chance to, by the next run that writes the same file.

import { rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Temp files being written right now, so that a forced exit can remove them. */
const pending = new Set<string>();

export async function writeFileAtomic(path: string, contents: string | Uint8Array): Promise<void> {
  const directory = dirname(path);
  // Same directory as the target, because rename is only atomic within one file system.
  const temporary = join(directory, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const existingMode = await stat(path).then(
    (status) => status.mode & 0o7777,
    () => undefined,
  );
  pending.add(temporary);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temporary, 'wx');
    await handle.writeFile(contents);
    if (existingMode !== undefined) await handle.chmod(existingMode);
    // Without this the rename can reach the disk before the data does, and a crash leaves an empty file.
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temporary, path);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  } finally {
    pending.delete(temporary);
  }
  await syncDirectory(directory);
}

/** For an exit that cannot wait (a second Ctrl-C): synchronous, and never throws. */
export function removePendingTemporaryFiles(): void {
  for (const temporary of pending) {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Exiting anyway; a leftover is removed by the next run that writes the same file.
    }
  }
  pending.clear();
}

/** Removes temp files for path left by processes that no longer run (killed mid-write). */
export async function removeStaleTemporaryFiles(path: string): Promise<void> {
  const prefix = `.${basename(path)}.`;
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const match = /^(\d+)\.[0-9a-f]{12}\.tmp$/.exec(name.slice(prefix.length));
    if (match === null || isRunning(Number(match[1]))) continue;
    await rm(join(dirname(path), name), { force: true }).catch(() => undefined);
  }
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// Makes the rename itself durable.
async function syncDirectory(directory: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch {
    // Some platforms (Windows) cannot open or sync a directory; the new file is in place already.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
