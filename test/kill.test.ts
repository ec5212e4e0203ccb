// kill -9 at random moments, through the CLI: a run of many short epochs (two steps each, then about
// 9 MB of snapshot and checkpoint made and written) is killed again and again. After every kill the
// snapshot and the checkpoint must load and the run goes on from the checkpoint; at the end its
// weights must be bitwise those of a run that was never killed. (src/io/atomic.kill.test.ts kills
// writers in the middle of the write itself, which here is only a small part of an epoch.)

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCheckpoint } from '../src/io/checkpoint.js';
import { parseSnapshot } from '../src/io/snapshot.js';
import { Random } from '../src/tensor/random.js';
import { runCli, startCli } from './helpers/cli.js';

const KILLS = 8;
// More epochs than the kills leave time for, so the run is always still going when it is killed.
const settings = ['--train-limit', '60', '--test-limit', '10', '--batch-size', '30', '--no-progress', '--out', 'net.json'];

function weights(path: string): Record<string, string> {
  const document = JSON.parse(readFileSync(path, 'utf8')) as { tensors: Record<string, { sha256: string }> };
  return Object.fromEntries(Object.entries(document.tensors).map(([name, entry]) => [name, entry.sha256]));
}

describe('kill -9 during training', () => {
  it(`${KILLS} kills at random moments leave only files that load, and the run still ends bitwise right`, { timeout: 180_000 }, async () => {
    const [killed, straight] = [mkdtempSync(join(tmpdir(), 'cnn-killed-')), mkdtempSync(join(tmpdir(), 'cnn-straight-'))];
    const random = new Random(2024);
    let kills = 0;
    const interruptedWrites = new Set<string>();
    for (let attempt = 0; kills < KILLS && attempt < 3 * KILLS; attempt++) {
      const resume = existsSync(join(killed, 'net.ckpt.json'));
      const running = startCli(resume ? ['train', '--resume', 'net.ckpt.json'] : ['train', '--epochs', '1000', ...settings], { cwd: killed });
      // Once it trains, anywhere in the next 0.4 s: an epoch here takes about a quarter of that.
      const training = await running.stderrMatches(/epoch +\d+\/\d+/).then(() => true, () => false);
      if (!training) break;
      await new Promise((resolve) => setTimeout(resolve, random.uniform() * 400));
      if (running.child.exitCode !== null || !running.child.kill('SIGKILL')) break;
      const result = await running.done;
      if (result.signal !== 'SIGKILL') break;
      kills++;
      const names = readdirSync(killed);
      for (const name of names) if (name.endsWith('.tmp')) interruptedWrites.add(name);
      // The files a user sees are whole, whatever the moment; a temp file is the next run's to remove.
      expect(names.filter((name) => !name.startsWith('.')).sort()).toEqual(['net.ckpt.json', 'net.json'].filter((name) => names.includes(name)));
      if (names.includes('net.json')) parseSnapshot(readFileSync(join(killed, 'net.json'), 'utf8'), 'net.json');
      if (names.includes('net.ckpt.json')) parseCheckpoint(readFileSync(join(killed, 'net.ckpt.json'), 'utf8'), 'net.ckpt.json');
    }
    expect(kills).toBe(KILLS);
    // Finish one epoch past the checkpoint, and compare with a run of that many epochs never killed.
    const saved = existsSync(join(killed, 'net.ckpt.json'));
    const epochs = saved ? parseCheckpoint(readFileSync(join(killed, 'net.ckpt.json'), 'utf8'), 'ckpt').position.epoch + 1 : 1;
    const finish = await runCli(saved ? ['train', '--resume', 'net.ckpt.json', '--epochs', String(epochs)] : ['train', '--epochs', '1', ...settings], { cwd: killed });
    expect(finish.exitCode).toBe(0);
    expect((await runCli(['train', '--epochs', String(epochs), ...settings], { cwd: straight })).exitCode).toBe(0);
    expect(weights(join(killed, 'net.json'))).toEqual(weights(join(straight, 'net.json')));
    // Temp files of killed writers are gone once a later run has written the same files.
    expect(readdirSync(killed).sort()).toEqual(['net.ckpt.json', 'net.json']);
    for (const directory of [killed, straight]) rmSync(directory, { recursive: true, force: true });
    console.info(`kill -9 test: ${kills} kills, ${interruptedWrites.size} in the middle of a write, then ${epochs} epochs compared`);
  });
});
