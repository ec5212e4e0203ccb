// End to end: the built CLI in a temp directory, on small limits, checked by stdout, stderr and exit code.

import { mkdtempSync, readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot, runCli } from './helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'cnn-cli-'));
const trained = join(work, 'net.json');
const sample = (name: string) => join(repositoryRoot, 'data', name);

describe('cnn', () => {
  const commands = ['train', 'eval', 'predict', 'filters', 'activations', 'report', 'models', 'export', 'import', 'serve'];

  it('--help lists the commands', async () => {
    const { stdout, exitCode } = await runCli(['--help']);
    expect(exitCode).toBe(0);
    for (const command of commands) expect(stdout).toContain(command);
  });

  it('each command --help shows an example', async () => {
    for (const command of commands) {
      const { stdout, exitCode } = await runCli([command, '--help']);
      expect(exitCode).toBe(0);
      expect(stdout).toMatch(new RegExp(`Examples?:\\n  cnn ${command}`));
    }
  });
});

describe('cnn models', () => {
  it('lists every preset with its layers, shapes and parameter counts', async () => {
    const { stdout, exitCode } = await runCli(['models', '--json']);
    expect(exitCode).toBe(0);
    const models = JSON.parse(stdout) as { name: string; parameters: number; layers: { name: string; output: number[] }[] }[];
    expect(models.map((model) => [model.name, model.parameters])).toEqual([
      ['simple', 433890], ['lenet', 61706], ['alexnet', 204106], ['deep', 123552],
    ]);
    expect(models[3].layers.find((layer) => layer.name === 'pool3')?.output).toEqual([64, 4, 4]);
  });

  it('shows one preset or a model file as a table', async () => {
    const deep = await runCli(['models', 'deep']);
    expect(deep.exitCode).toBe(0);
    expect(deep.stdout).toMatch(/^deep  123,552 parameters/);
    expect(deep.stdout).toMatch(/\n  conv6 +convolution 64x3x3 stride 1 pad 1 +\[64,8,8\] +36,928\n/);
    const file = join(work, 'tiny-net.json');
    writeFileSync(file, JSON.stringify([{ type: 'convolution', filters: 2, size: 3 }, { type: 'tanh' }, { type: 'affine', units: 10 }]));
    const tiny = await runCli(['models', file]);
    expect(tiny.exitCode).toBe(0);
    // conv 2x(9+1) and affine (2*26*26+1)x10
    expect(tiny.stdout).toMatch(/ 13,550 parameters/);
    expect(tiny.stdout).toMatch(/tanh1 +tanh +\[2,26,26\]/);
  });
});

describe('cnn train, eval, predict', () => {
  let summary: { out: string; epochs: number; trainAccuracy: number; testAccuracy: number; seconds: number; history: unknown[] };

  beforeAll(async () => {
    const run = await runCli(['train', '--epochs', '1', '--train-limit', '3000', '--test-limit', '500', '--out', trained, '--json'], { cwd: work });
    expect(run.stderr).toMatch(/epoch 1\/1 +loss \d\.\d{4} +train \d+\.\d\d% +test \d+\.\d\d%/);
    expect(run.exitCode).toBe(0);
    summary = JSON.parse(run.stdout);
  });

  it('train writes a snapshot and a JSON summary', () => {
    expect(summary.out).toBe(trained);
    expect(summary.epochs).toBe(1);
    expect(summary.history).toHaveLength(1);
    expect(summary.testAccuracy).toBeGreaterThan(0.5);
    const snapshot = JSON.parse(readFileSync(trained, 'utf8'));
    expect(snapshot.format).toBe('cnn-snapshot');
    expect(snapshot.metadata.testAccuracy).toBe(summary.testAccuracy);
    // The kernel build, like the thread count, decides a run's last bits, so the snapshot names it.
    expect(snapshot.metadata.kernels).toBe('wasm-relaxed-simd');
  });

  it('train defaults to ./params/simple-convnet.json in the current directory', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'cnn-default-'));
    const run = await runCli(['train', '--epochs', '1', '--train-limit', '200', '--test-limit', '100', '--no-progress'], { cwd: directory });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^saved params\/simple-convnet\.json: test accuracy/);
    expect(existsSync(join(directory, 'params', 'simple-convnet.json'))).toBe(true);
  });

  it('eval reports accuracy, per-class accuracy and the confusion matrix as JSON', async () => {
    const { stdout, stderr, exitCode } = await runCli(['eval', trained, '--limit', '500', '--json']);
    expect(exitCode).toBe(0);
    expect(stderr).toContain('using ');
    const report = JSON.parse(stdout);
    expect(report.total).toBe(500);
    expect(report.correct).toBe(Math.round(report.accuracy * 500));
    expect(report.accuracy).toBeCloseTo(summary.testAccuracy, 10);
    expect(report.perClass).toHaveLength(10);
    expect(report.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(500);
    expect(report.confusion.reduce((sum: number, row: number[], k: number) => sum + row[k], 0)).toBe(report.correct);
  });

  it('eval prints a readable table', async () => {
    const { stdout, exitCode } = await runCli(['eval', trained, '--limit', '200']);
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(/^test accuracy \d+\.\d\d% \(\d+\/200\)/);
    expect(stdout).toContain('true\\pred');
  });
});

describe('the shipped snapshots of the classic nets', () => {
  // Full-set accuracy is in the README; here the first 2000 test images, to stay quick.
  it.each([
    ['lenet', 'lenet.json', 0.97],
    ['alexnet', 'alexnet.json', 0.985],
    ['deep', 'deep-convnet.json', 0.985],
  ])('cnn eval --model %s uses params/%s and classifies MNIST', async (model, file, minimum) => {
    const { stdout, stderr, exitCode } = await runCli(['eval', '--model', model, '--limit', '2000', '--json'], { cwd: work });
    expect(exitCode, stderr).toBe(0);
    expect(stderr).toContain(`params/${file}`);
    expect(JSON.parse(stdout).accuracy).toBeGreaterThan(minimum);
  });

  it('cnn predict --model deep reads the sample digits', async () => {
    const { stdout, exitCode } = await runCli(['predict', '--model', 'deep', sample('digit-3-paper.jpg'), sample('digit-7-canvas.png'), '--json'], { cwd: work });
    expect(exitCode).toBe(0);
    expect(JSON.parse(stdout).map((outcome: { digit: number }) => outcome.digit)).toEqual([3, 7]);
  });
});

describe('cnn predict with the shipped snapshot', () => {
  const samples: [string, number][] = [
    ['digit-3-paper.jpg', 3],
    ['digit-7-canvas.png', 7],
    ['digit-2-dark.png', 2],
    ['digit-5-blue-ink.png', 5],
  ];

  it('classifies the sample digits of both polarities, RGBA with transparency and JPEG', async () => {
    const { stdout, stderr, exitCode } = await runCli(['predict', ...samples.map(([name]) => sample(name)), '--json'], { cwd: work });
    expect(exitCode).toBe(0);
    expect(stderr).toMatch(/using .*params[/\\]simple-convnet\.json/);
    const outcomes = JSON.parse(stdout);
    expect(outcomes.map((o: { digit: number }) => o.digit)).toEqual(samples.map(([, digit]) => digit));
    for (const outcome of outcomes) {
      expect(outcome.probabilities).toHaveLength(10);
      expect(outcome.probabilities.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 5);
    }
  });

  it('prints the digit, its probability and the top K, and draws the input with --show', async () => {
    const { stdout, exitCode } = await runCli(['predict', sample('digit-7-canvas.png'), '--top', '2', '--show']);
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(/digit-7-canvas\.png: 7 \(\d+\.\d%\) +top 2: 7 \d+\.\d%, \d \d+\.\d%/);
    expect(stdout.split('\n').length).toBeGreaterThan(10);
  });

  it('reports an unreadable file and still classifies the others, exiting 1', async () => {
    const { stdout, exitCode } = await runCli(['predict', join(work, 'missing.png'), sample('digit-2-dark.png'), '--json']);
    expect(exitCode).toBe(1);
    const outcomes = JSON.parse(stdout);
    expect(outcomes[0]).toEqual({ file: join(work, 'missing.png'), error: expect.stringContaining('missing.png') });
    expect(outcomes[1].digit).toBe(2);
  });
});

describe('CNN_KERNELS picks the kernel build', () => {
  it('simd runs the plain build and gives the same answers; anything else is a usage error', async () => {
    const relaxed = await runCli(['predict', sample('digit-7-canvas.png'), '--json']);
    const plain = await runCli(['predict', sample('digit-7-canvas.png'), '--json'], { env: { CNN_KERNELS: 'simd' } });
    expect(plain.exitCode).toBe(0);
    const [first, second] = [relaxed, plain].map((run) => JSON.parse(run.stdout)[0] as { digit: number; probabilities: number[] });
    expect(second.digit).toBe(7);
    expect(first.digit).toBe(7);
    second.probabilities.forEach((p, k) => expect(Math.abs(p - first.probabilities[k])).toBeLessThan(1e-5));
    const wrong = await runCli(['--version'], { env: { CNN_KERNELS: 'fast' } });
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toBe('cnn: CNN_KERNELS: must be simd or relaxed, got "fast"\n');
    expect(wrong.stdout).toBe('');
  });
});

describe('bad input: one line on stderr, no stack trace, the right exit code', () => {
  const notImage = join(work, 'notes.png');
  const truncated = join(work, 'truncated.json');
  const mismatched = join(work, 'mismatched.json');
  const emptyData = join(work, 'empty-data');

  beforeAll(() => {
    writeFileSync(notImage, 'this is text, not a picture\n');
    const text = readFileSync(join(repositoryRoot, 'params', 'simple-convnet.json'), 'utf8');
    writeFileSync(truncated, text.slice(0, Math.floor(text.length / 2)));
    const snapshot = JSON.parse(text);
    snapshot.model.layers[0].filters = 20;
    writeFileSync(mismatched, JSON.stringify(snapshot));
    mkdirSync(emptyData, { recursive: true });
  });

  const cases: [string, string[], number, RegExp][] = [
    ['missing image', ['predict', 'no-such.png'], 1, /^cnn: no-such\.png: /],
    ['text named .png', ['predict', notImage], 1, /^cnn: .*notes\.png: /],
    ['missing snapshot', ['eval', 'no-such.json'], 1, /^cnn: no-such\.json: no such file/],
    ['truncated JSON', ['eval', truncated], 1, /^cnn: .*truncated\.json: not valid JSON/],
    ['shape mismatch', ['eval', mismatched], 1, /^cnn: .*mismatched\.json: tensor conv1\.W has shape \[30,1,5,5\], expected \[20,1,5,5\]/],
    ['missing IDX files', ['eval', '--data', emptyData], 1, /^cnn: .*empty-data: no t10k-images-idx3-ubyte/],
    ['--epochs 0', ['train', '--epochs', '0'], 2, /^cnn: option '--epochs <n>' argument '0' is invalid/],
    ['--batch-size -3', ['train', '--batch-size', '-3'], 2, /^cnn: option '--batch-size <n>' argument '-3' is invalid/],
    ['--lr abc', ['train', '--lr', 'abc'], 2, /^cnn: option '--lr <x>' argument 'abc' is invalid/],
    ['unknown model', ['train', '--model', 'resnet'], 2, /^cnn: option '--model <name\|file>' argument 'resnet' is invalid/],
    ['unknown optimizer', ['train', '--optimizer', 'lion'], 2, /must be one of sgd, momentum/],
    ['unknown option', ['eval', '--fast'], 2, /^cnn: unknown option '--fast'/],
    ['unknown command', ['fly'], 2, /^cnn: unknown command 'fly'/],
  ];
  for (const [label, args, code, pattern] of cases) {
    it(label, async () => {
      const { stderr, stdout, exitCode } = await runCli(args, { cwd: work });
      expect(exitCode).toBe(code);
      expect(stderr).toMatch(pattern);
      expect(stderr).not.toMatch(/\n\s+at /);
      if (code === 1) expect(stdout).toBe('');
    });
  }
});
