// cnn export and cnn import end to end: the built CLI, its files, and every bad input as one line,
// exit 1 and no file written.

import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeModel } from '../src/io/onnx/schema.js';
import { runCli } from './helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'cnn-onnx-'));

describe('cnn export', () => {
  it('writes the shipped LeNet as ONNX and says what it wrote', async () => {
    const out = join(work, 'lenet.onnx');
    const run = await runCli(['export', '--model', 'lenet', '--softmax', '-o', out, '--json']);
    expect(run.stderr).toMatch(/using .*lenet\.json/);
    expect(run.exitCode).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ out, opset: 13, parameters: 61706, input: { name: 'image', shape: ['N', 1, 28, 28] }, output: { name: 'probabilities' } });
    const model = decodeModel(readFileSync(out));
    expect(summary.bytes).toBe(readFileSync(out).length);
    expect(model.graph?.node?.at(-1)?.op_type).toBe('Softmax');
  });

  it('refuses an output name that does not end in .onnx, before any work', async () => {
    const out = join(work, 'model.json');
    const run = await runCli(['export', '-o', out]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/^cnn: --out .*model\.json: expected a file name ending in \.onnx\n$/);
    expect(existsSync(out)).toBe(false);
  });
});
