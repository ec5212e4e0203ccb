// Atomic file replacement: readers see the old file or the new one, never half of either, even if the
// process dies mid-write. A training run overwrites its snapshot every epoch, so this matters.

import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export async function writeFileAtomic(path: string, contents: string | Uint8Array): Promise<void> {
  const directory = dirname(path);
  // Same directory as the target, because rename is only atomic within one file system.
  const temporary = join(directory, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const existingMode = await stat(path).then(
    (status) => status.mode & 0o7777,
    () => undefined,
  );
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
  }
  await syncDirectory(directory);
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
