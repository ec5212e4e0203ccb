import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic.js';

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
