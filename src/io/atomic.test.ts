import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removePendingTemporaryFiles, removeStaleTemporaryFiles, writeFileAtomic } from './atomic.js';

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'cnn-atomic-'));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('creates a new file from a string', async () => {
    const target = join(directory, 'a.json');
    await writeFileAtomic(target, '{"a":1}');
    expect(await readFile(target, 'utf8')).toBe('{"a":1}');
    expect(await readdir(directory)).toEqual(['a.json']);
  });

  it('replaces existing content, from bytes, leaving no temp file', async () => {
    const target = join(directory, 'a.bin');
    await writeFile(target, 'old content that is longer than the new one');
    await writeFileAtomic(target, new Uint8Array([1, 2, 3]));
    expect([...(await readFile(target))]).toEqual([1, 2, 3]);
    expect(await readdir(directory)).toEqual(['a.bin']);
  });

  it('keeps the mode of the file it replaces', async () => {
    const target = join(directory, 'a.json');
    await writeFile(target, 'old');
    await chmod(target, 0o600);
    await writeFileAtomic(target, 'new');
    expect((await stat(target)).mode & 0o777).toBe(0o600);
  });

  it('fails without leaving anything when the directory is a file', async () => {
    const notDirectory = join(directory, 'file');
    await writeFile(notDirectory, 'untouched');
    await expect(writeFileAtomic(join(notDirectory, 'a.json'), 'new')).rejects.toMatchObject({ code: 'ENOTDIR' });
    expect(await readFile(notDirectory, 'utf8')).toBe('untouched');
    expect(await readdir(directory)).toEqual(['file']);
  });

  it('leaves the target untouched and removes the temp file when the rename fails', async () => {
    const target = join(directory, 'busy');
    await mkdir(target);
    await writeFile(join(target, 'inside'), 'untouched');
    await expect(writeFileAtomic(target, 'new')).rejects.toThrow();
    expect(await readFile(join(target, 'inside'), 'utf8')).toBe('untouched');
    expect(await readdir(directory)).toEqual(['busy']);
  });

  it('concurrent writers each leave a whole file', async () => {
    const target = join(directory, 'a.txt');
    const contents = Array.from({ length: 8 }, (_, i) => String(i).repeat(100_000));
    await Promise.all(contents.map((text) => writeFileAtomic(target, text)));
    expect(contents).toContain(await readFile(target, 'utf8'));
    expect(await readdir(directory)).toEqual(['a.txt']);
  });
});

describe('removeStaleTemporaryFiles', () => {
  it('removes the temp files of dead writers and keeps everything else', async () => {
    const target = join(directory, 'net.json');
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    const names = [
      'net.json',
      `.net.json.${dead}.0123456789ab.tmp`,
      `.net.json.${process.pid}.0123456789ab.tmp`,
      `.other.json.${dead}.0123456789ab.tmp`,
      `.net.json.${dead}.notours.tmp`,
    ];
    for (const name of names) await writeFile(join(directory, name), 'x');
    await removeStaleTemporaryFiles(target);
    expect((await readdir(directory)).sort()).toEqual(names.filter((_, index) => index !== 1).sort());
  });

  it('does nothing for a directory that does not exist', async () => {
    await expect(removeStaleTemporaryFiles(join(directory, 'missing', 'net.json'))).resolves.toBeUndefined();
  });
});

describe('removePendingTemporaryFiles', () => {
  it('removes the temp file of a write in progress, and the target is never touched', async () => {
    const target = join(directory, 'big.bin');
    const writing = writeFileAtomic(target, new Uint8Array(64 << 20));
    let names = await readdir(directory);
    while (!names.some((name) => name.endsWith('.tmp'))) {
      await new Promise((resolve) => setImmediate(resolve));
      names = await readdir(directory);
    }
    removePendingTemporaryFiles();
    expect((await readdir(directory)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    // The interrupted write then fails at its rename, or lands a whole file if it had finished.
    const outcome = await writing.then(() => 'written', () => 'failed');
    const after = await readdir(directory);
    expect(after).toEqual(outcome === 'written' ? ['big.bin'] : []);
  });
});
