// kill -9 in the middle of writeFileAtomic: a child process rewrites a 16 MB file in a loop, each
// version one byte value throughout, and is killed at random moments. The target must always be
// absent or one whole version; the temp file a kill leaves is removed by removeStaleTemporaryFiles.

import { fork } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { Random } from '../tensor/random.js';
import { removeStaleTemporaryFiles } from './atomic.js';

const SIZE = 16 << 20;
// Kills go on until this many have landed inside a write (most do), so the test always tests that.
const INSIDE_WRITES = 6;
const MAX_KILLS = 60;

// The child runs plain JavaScript: atomic.ts, compiled here, imports only node builtins.
async function writerScript(directory: string): Promise<string> {
  const source = readFileSync(fileURLToPath(new URL('./atomic.ts', import.meta.url)), 'utf8');
  writeFileSync(join(directory, 'atomic.mjs'), (await transform(source, { loader: 'ts', format: 'esm' })).code);
  const script = join(directory, 'writer.mjs');
  writeFileSync(script, [
    "import { writeFileAtomic } from './atomic.mjs';",
    `for (let version = 1; ; version++) {`,
    `  await writeFileAtomic(process.argv[2], Buffer.alloc(${SIZE}, version % 251));`,
    "  process.send?.(version);",
    '}',
  ].join('\n'));
  return script;
}

describe('writeFileAtomic under kill -9', () => {
  it(`leaves the target whole after kills at random moments, ${INSIDE_WRITES} of them inside a write`, { timeout: 120_000 }, async () => {
    const directory = mkdtempSync(join(tmpdir(), 'cnn-atomic-kill-'));
    const script = await writerScript(directory);
    const target = join(directory, 'data', 'target.bin');
    mkdirSync(join(directory, 'data'));
    const random = new Random(7);
    const leftovers = new Set<string>();
    let kills = 0;
    for (; kills < MAX_KILLS && leftovers.size < INSIDE_WRITES; kills++) {
      const child = fork(script, [target], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      // After its first whole write, so that every kill has a previous version to keep.
      await new Promise<void>((resolve) => child.once('message', () => resolve()));
      await new Promise((resolve) => setTimeout(resolve, random.uniform() * 300));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      const contents = readFileSync(target);
      expect(contents.length).toBe(SIZE);
      expect(contents.equals(Buffer.alloc(SIZE, contents[0]))).toBe(true);
      for (const name of readdirSync(join(directory, 'data'))) if (name.endsWith('.tmp')) leftovers.add(name);
    }
    expect(leftovers.size).toBe(INSIDE_WRITES);
    console.info(`writeFileAtomic kill test: ${kills} kills, ${leftovers.size} inside a write`);
    await removeStaleTemporaryFiles(target);
    expect(readdirSync(join(directory, 'data'))).toEqual(['target.bin']);
    expect(existsSync(target)).toBe(true);
    rmSync(directory, { recursive: true, force: true });
  });
});
