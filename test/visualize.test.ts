// `cnn filters` and `cnn activations` end to end: PNGs of the expected size and content from the built
// CLI, initial weights rebuilt from the snapshot's seed, and one-line errors for bad input.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { initialNetwork, firstConvolutionWeights } from '../src/cli/commands/filters.js';
import { loadSnapshot } from '../src/io/snapshot.js';
import { Network } from '../src/models/network.js';
import { simpleConvNet } from '../src/models/presets.js';
import { repositoryRoot, runCli } from './helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'cnn-visualize-'));
const snapshot = join(work, 'net.json');
const digit = join(repositoryRoot, 'data', 'digit-3-paper.jpg');
const out = (name: string) => join(work, name);

beforeAll(async () => {
  const trained = await runCli(['train', '--epochs', '1', '--train-limit', '600', '--test-limit', '100', '--seed', '7', '--out', snapshot, '--no-progress']);
  expect(trained.exitCode).toBe(0);
});

async function pixels(path: string): Promise<{ width: number; height: number; data: Buffer }> {
  const { data, info } = await sharp(path).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

describe('cnn filters', () => {
  it('draws the 30 trained 5x5 filters as a 6x5 grid of 50-pixel tiles', async () => {
    const run = await runCli(['filters', snapshot, '-o', out('filters.png')]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^wrote .*filters\.png: 30 filters 5x5, after 1 epoch, 6x5 grid, 350x320 pixels\n$/);
    const image = await pixels(out('filters.png'));
    // margins 10, 6 tiles of 50 with gaps of 6 across; a caption line of 16 + 10 above 5 rows.
    expect([image.width, image.height]).toEqual([10 + 6 * 50 + 5 * 6 + 10, 10 + 26 + 5 * 50 + 4 * 6 + 10]);
  });

  it('--init draws the weights the snapshot started from, rebuilt from its seed', async () => {
    const run = await runCli(['filters', snapshot, '--init', '-o', out('filters-init.png')]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('initial weights from seed 7');
    const [before, after] = await Promise.all([pixels(out('filters-init.png')), pixels(out('filters.png'))]);
    expect([before.width, before.height]).toEqual([after.width, after.height]);
    expect(before.data.equals(after.data)).toBe(false);
    const { network, metadata } = await loadSnapshot(snapshot);
    const rebuilt = firstConvolutionWeights(initialNetwork(network, metadata, snapshot), snapshot).value.data;
    const fresh = firstConvolutionWeights(new Network(simpleConvNet(), { seed: 7 }), 'fresh').value.data;
    expect(rebuilt).toEqual(fresh);
    expect(firstConvolutionWeights(network, snapshot).value.data).not.toEqual(fresh);
  });

  it('refuses --init for a snapshot that does not record its seed', async () => {
    const document = JSON.parse(readFileSync(snapshot, 'utf8'));
    delete document.metadata.seed;
    const seedless = out('seedless.json');
    writeFileSync(seedless, JSON.stringify(document));
    const run = await runCli(['filters', seedless, '--init', '-o', out('never.png')]);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe(`using ${seedless}\ncnn: ${seedless}: the snapshot does not record its seed, so its initial weights cannot be rebuilt\n`);
  });
});

describe('cnn activations', () => {
  it('draws the input, conv1 and pool1 rows and says what the network predicted', async () => {
    const run = await runCli(['activations', digit, '--params', snapshot, '-o', out('maps.png')]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^wrote .*maps\.png: input and conv1, pool1; predicted \d \(\d+\.\d%\)\n$/);
    const image = await pixels(out('maps.png'));
    // 15 maps of 48 pixels per line with gaps of 4; rows of 90 (input), 134 and 134, a footer of 30.
    expect([image.width, image.height]).toEqual([10 + 15 * 48 + 14 * 4 + 10, 10 + 90 + 134 + 134 - 14 + 30 + 10]);
    // The input tile (top left, below its label) holds the digit: white ink on black.
    const inputTile = [];
    for (let y = 30; y < 86; y++) for (let x = 10; x < 66; x++) inputTile.push(image.data[(y * image.width + x) * 3]);
    expect(Math.min(...inputTile)).toBe(0);
    expect(Math.max(...inputTile)).toBe(255);
  });
});

describe('help', () => {
  it('lists the three commands, each with an example', async () => {
    const { stdout } = await runCli(['--help']);
    for (const command of ['filters', 'activations', 'report']) {
      expect(stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
      const help = await runCli([command, '--help']);
      expect(help.exitCode).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`Example:\\n  cnn ${command} `));
    }
  });
});

describe('bad input gets one line and an exit code', () => {
  const cases: [string, string[], number, RegExp][] = [
    ['a missing snapshot', ['filters', out('nope.json'), '-o', out('x.png')], 1, /^cnn: .*nope\.json: no such file\n$/],
    ['no -o', ['filters', snapshot], 2, /^cnn: required option '-o, --out <file>' not specified/],
    ['a PNG command asked for a JPEG', ['filters', snapshot, '-o', out('x.jpg')], 2, /^cnn: --out .*x\.jpg: expected a file name ending in \.png\n$/],
    ['a report without .html', ['report', snapshot, '-o', out('report.txt')], 2, /^cnn: --out .*report\.txt: expected a file name ending in \.html or \.htm\n$/],
    ['a missing image', ['activations', out('nope.png'), '--params', snapshot, '-o', out('maps2.png')], 1, /^using .*\ncnn: .*nope\.png: no such file\n$/],
    ['a snapshot that is not JSON', ['activations', digit, '--params', digit, '-o', out('maps3.png')], 1, /^cnn: .*digit-3-paper\.jpg: not valid JSON/],
  ];
  for (const [name, args, exitCode, stderr] of cases) {
    it(name, async () => {
      const run = await runCli(args);
      expect(run.stderr).toMatch(stderr);
      expect(run.exitCode).toBe(exitCode);
      expect(run.stdout).toBe('');
    });
  }
});
