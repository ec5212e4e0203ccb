// Nothing lost, through the real CLI: checkpoints beside the snapshot, --resume ending bit for bit
// where an uninterrupted run ends (from an epoch boundary and from Ctrl-C in mid-epoch), Ctrl-C,
// SIGTERM and a second Ctrl-C, flags that would change a resumed run, and a diverging run.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCheckpoint } from '../src/io/checkpoint.js';
import { parseSnapshot } from '../src/io/snapshot.js';
import { runCli, startCli } from './helpers/cli.js';

type Document = { tensors: Record<string, { sha256: string }>; metadata: { history: { seconds: number }[] } };

const directories: string[] = [];
afterAll(() => directories.forEach((directory) => rmSync(directory, { recursive: true, force: true })));

function freshDirectory(name: string): string {
  directories.push(mkdtempSync(join(tmpdir(), `cnn-${name}-`)));
  return directories[directories.length - 1];
}

/** What must be equal between two runs: every weight's bytes (by checksum) and the history but its times. */
function outcome(path: string): { weights: Record<string, string>; history: unknown[] } {
  const document = JSON.parse(readFileSync(path, 'utf8')) as Document;
  const weights = Object.fromEntries(Object.entries(document.tensors).map(([name, entry]) => [name, entry.sha256]));
  return { weights, history: document.metadata.history.map((record) => ({ ...record, seconds: 0 })) };
}

const small = ['--train-limit', '120', '--test-limit', '20', '--batch-size', '40', '--no-progress'];

describe('checkpoints and --resume', () => {
  it('resuming after epoch 1 ends bitwise where an uninterrupted 3-epoch run ends', async () => {
    const [straight, stopped] = [freshDirectory('straight'), freshDirectory('stopped')];
    const [whole, first] = await Promise.all([
      runCli(['train', '--epochs', '3', ...small, '--out', 'net.json', '--json'], { cwd: straight }),
      runCli(['train', '--epochs', '1', ...small, '--out', 'net.json', '--json'], { cwd: stopped }),
    ]);
    expect(whole.exitCode).toBe(0);
    expect(first.exitCode).toBe(0);
    const summary = JSON.parse(first.stdout);
    expect(summary.checkpoint).toBe('net.ckpt.json');
    expect(readdirSync(stopped).sort()).toEqual(['net.ckpt.json', 'net.json']);
    // The checkpoint is a snapshot too, and holds the very weights of the snapshot beside it.
    expect(outcome(join(stopped, 'net.ckpt.json'))).toEqual(outcome(join(stopped, 'net.json')));
    expect(readFileSync(join(stopped, 'net.json')).length).toBeLessThan(readFileSync(join(stopped, 'net.ckpt.json')).length / 2);

    const resumed = await runCli(['train', '--resume', 'net.ckpt.json', '--epochs', '3', '--json'], { cwd: stopped });
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stderr).toMatch(/^resuming net\.ckpt\.json at epoch 2: training simple on 120 images/);
    expect(resumed.stderr).not.toMatch(/epoch 1\/3/);
    expect(JSON.parse(resumed.stdout).epochs).toBe(3);
    expect(outcome(join(stopped, 'net.json'))).toEqual(outcome(join(straight, 'net.json')));
  });

  it('Ctrl-C in mid-epoch saves the exact position, exits 130, and a resume ends bitwise the same', async () => {
    const [straight, stopped] = [freshDirectory('straight'), freshDirectory('stopped')];
    // 40 steps an epoch, so that the signal lands inside one.
    const args = ['train', '--epochs', '2', '--train-limit', '400', '--test-limit', '20', '--batch-size', '10', '--no-progress', '--out', 'net.json'];
    const whole = runCli(args, { cwd: straight });
    const running = startCli(args, { cwd: stopped });
    await running.stderrMatches(/^training simple/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    running.child.kill('SIGINT');
    const interrupted = await running.done;
    expect(interrupted.exitCode).toBe(130);
    expect(interrupted.stderr).toMatch(/cnn: Ctrl-C: stopping after this step to save a checkpoint/);
    expect(interrupted.stderr).toMatch(/cnn: interrupted; saved net\.ckpt\.json in (epoch [12] after batch \d+\/40|the end of epoch 1)\. Resume with: cnn train --resume net\.ckpt\.json\n$/);
    expect(readdirSync(stopped).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    const checkpoint = parseCheckpoint(readFileSync(join(stopped, 'net.ckpt.json'), 'utf8'), 'net.ckpt.json');
    expect(checkpoint.position.epoch * 40 + checkpoint.position.batch).toBeGreaterThan(0);

    const resumed = await runCli(['train', '--resume', 'net.ckpt.json'], { cwd: stopped });
    expect(resumed.exitCode).toBe(0);
    expect((await whole).exitCode).toBe(0);
    expect(outcome(join(stopped, 'net.json'))).toEqual(outcome(join(straight, 'net.json')));
  });

  it('SIGTERM stops cleanly too, and a second signal quits at once leaving only whole files', async () => {
    const directory = freshDirectory('signals');
    const args = ['train', '--epochs', '50', '--train-limit', '200', '--test-limit', '20', '--batch-size', '10', '--no-progress', '--out', 'net.json'];
    const terminated = startCli(args, { cwd: directory });
    await terminated.stderrMatches(/epoch +1\/50/);
    terminated.child.kill('SIGTERM');
    const first = await terminated.done;
    expect(first.exitCode).toBe(130);
    expect(first.stderr).toMatch(/cnn: SIGTERM: stopping after this step/);
    expect(first.stderr).toMatch(/Resume with: cnn train --resume net\.ckpt\.json/);

    const twice = startCli(['train', '--resume', 'net.ckpt.json'], { cwd: directory });
    await twice.stderrMatches(/^resuming/);
    twice.child.kill('SIGINT');
    await twice.stderrMatches(/stopping after this step/);
    twice.child.kill('SIGINT');
    const second = await twice.done;
    expect(second.exitCode).toBe(130);
    expect(readdirSync(directory).sort()).toEqual(['net.ckpt.json', 'net.json']);
    expect(() => parseCheckpoint(readFileSync(join(directory, 'net.ckpt.json'), 'utf8'), 'ckpt')).not.toThrow();
    expect(() => parseSnapshot(readFileSync(join(directory, 'net.json'), 'utf8'), 'net')).not.toThrow();
  });

  it('a model file with batchnorm and dropout, trained with --augment and --validation, resumes bitwise', async () => {
    const [straight, stopped] = [freshDirectory('straight-file'), freshDirectory('stopped-file')];
    const model = [
      { type: 'convolution', filters: 4, size: 5, weightInit: 'he' }, { type: 'batchnorm' }, { type: 'relu' },
      { type: 'pooling', size: 2 }, { type: 'affine', units: 20, weightInit: 'he' }, { type: 'relu' },
      { type: 'dropout', rate: 0.3 }, { type: 'affine', units: 10 },
    ];
    for (const directory of [straight, stopped]) writeFileSync(join(directory, 'net-model.json'), JSON.stringify(model));
    const args = ['train', '--model', 'net-model.json', ...small, '--augment', '--validation', '40', '--out', 'net.json', '--json'];
    const [whole, first] = await Promise.all([
      runCli([...args, '--epochs', '3'], { cwd: straight }),
      runCli([...args, '--epochs', '1'], { cwd: stopped }),
    ]);
    expect(whole.exitCode, whole.stderr).toBe(0);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(whole.stderr).toMatch(/^training net-model\.json on 80 images \(test 20, validation 40, augmented\)/);
    const resumed = await runCli(['train', '--resume', 'net.ckpt.json', '--epochs', '3', '--json'], { cwd: stopped });
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    // Dropout masks, augmentation and batchnorm's running statistics all come out the same.
    expect(outcome(join(stopped, 'net.ckpt.json'))).toEqual(outcome(join(straight, 'net.ckpt.json')));
    expect(Object.keys(outcome(join(straight, 'net.json')).weights)).toContain('batchnorm1.runningVariance');
    // The snapshot holds the epoch with the best validation accuracy, and says which.
    const summary = JSON.parse(whole.stdout);
    const best = Math.max(...summary.history.map((record: { validationAccuracy: number }) => record.validationAccuracy));
    const chosen = summary.history.find((record: { validationAccuracy: number }) => record.validationAccuracy === best);
    expect(summary.epoch).toBe(chosen.epoch);
    const snapshot = JSON.parse(readFileSync(join(straight, 'net.json'), 'utf8'));
    expect(snapshot.metadata.epochs).toBe(chosen.epoch);
    expect(snapshot.metadata.validationAccuracy).toBe(best);
    expect(snapshot.model.layers).toEqual(model);
  });

  it('a resumed run keeps its settings: conflicting flags are usage errors, the same values and more epochs are fine', async () => {
    const directory = freshDirectory('conflicts');
    expect((await runCli(['train', '--epochs', '1', ...small, '--lr', '0.002', '--out', 'run/net.json'], { cwd: directory })).exitCode).toBe(0);
    const before = readFileSync(join(directory, 'run', 'net.ckpt.json'));
    const refused: [string[], RegExp][] = [
      [['--batch-size', '10'], /^cnn: --batch-size 10: the checkpoint was made with --batch-size 40; a resumed run keeps its settings \(only --epochs may grow\)\n$/],
      [['--lr', '0.001'], /^cnn: --lr 0\.001: the checkpoint was made with --lr 0\.002;/],
      [['--optimizer', 'sgd'], /^cnn: --optimizer sgd: the checkpoint was made with --optimizer adam;/],
      [['--seed', '2'], /^cnn: --seed 2: the checkpoint was made with --seed 1;/],
      [['--test-limit', '10'], /^cnn: --test-limit 10: the checkpoint was made with --test-limit 20;/],
      [['--data', '.'], /^cnn: --data \S+: the checkpoint was made without --data;/],
      [['--train-limit', '100'], /^cnn: --train-limit 100: the checkpoint was made with --train-limit 120;/],
      [['--out', 'elsewhere.json'], /^cnn: --out \S*elsewhere\.json: the checkpoint was made with --out \S*run\/net\.json;/],
      [['--augment'], /^cnn: --augment true: the checkpoint was made with --augment false;/],
      [['--validation', '10'], /^cnn: --validation 10: the checkpoint was made without --validation;/],
      [['--weight-init', 'he'], /^cnn: --weight-init he: the checkpoint was made without --weight-init;/],
      [['--epochs', '1'], /^cnn: --epochs 1: the checkpoint has finished 1 epochs already; ask for more\n$/],
      [[], /^cnn: run\/net\.ckpt\.json: the run has finished all 1 epochs; add --epochs N \(more than 1\) to train on\n$/],
    ];
    const runs = await Promise.all(refused.map(([flags]) => runCli(['train', '--resume', 'run/net.ckpt.json', ...flags], { cwd: directory })));
    runs.forEach((run, index) => {
      expect(run.exitCode, refused[index][0].join(' ')).toBe(2);
      expect(run.stderr).toMatch(refused[index][1]);
    });
    expect(readFileSync(join(directory, 'run', 'net.ckpt.json')).equals(before)).toBe(true);
    const same = await runCli(['train', '--resume', 'run/net.ckpt.json', '--epochs', '2', '--batch-size', '40', '--lr', '0.002', '--out', 'run/net.json'], { cwd: directory });
    expect(same.exitCode).toBe(0);
    expect(same.stdout).toMatch(/^saved run\/net\.json: test accuracy .* after 2 epochs/);
  });

  it('a diverging run stops with a clear message and writes no weights', async () => {
    const directory = freshDirectory('diverge');
    writeFileSync(join(directory, 'net.json'), 'the last good snapshot\n');
    const run = await runCli(['train', '--epochs', '2', ...small, '--optimizer', 'sgd', '--lr', '1e10', '--out', 'net.json'], { cwd: directory });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(
      /\ncnn: training diverged at epoch 1, batch \d: the loss became (NaN|Infinity)\. Try a lower learning rate than --lr 10000000000 \(sgd\); nothing was saved\n$/,
    );
    expect(readdirSync(directory)).toEqual(['net.json']);
    expect(readFileSync(join(directory, 'net.json'), 'utf8')).toBe('the last good snapshot\n');
  });
});
