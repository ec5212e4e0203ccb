// cnn export and cnn import end to end: the built CLI, its files, and every bad input as one line,
// exit 1 and no file written.

import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../src/io/onnx/export.js';
import { decodeModel, encodeModel, type ModelProto, type NodeProto, type TensorProto } from '../src/io/onnx/schema.js';
import { intAttribute, intsAttribute } from '../src/io/onnx/tensors.js';
import { Network } from '../src/models/network.js';
import { presets } from '../src/models/presets.js';
import { version } from '../src/version.js';
import { repositoryRoot, runCli } from './helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'cnn-onnx-'));

describe('cnn export', () => {
  it('records the version that cnn --version prints', async () => {
    expect((await runCli(['--version'])).stdout).toBe(`${version}\n`);
  });

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

describe('cnn import', () => {
  const fixture = join(repositoryRoot, 'test', 'fixtures', 'onnx', 'lenet-pytorch.onnx');
  const imported = join(work, 'lenet-pytorch.json');

  it('reads a PyTorch export into a snapshot that eval, predict, filters, activations and report use', async () => {
    const run = await runCli(['import', fixture, '-o', imported, '--json']);
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toBe("left out the final LogSoftmax: cnn's snapshots end with class scores and apply softmax themselves\n");
    expect(JSON.parse(run.stdout)).toMatchObject({ out: imported, producer: 'pytorch 1.13.0', opset: 13, layers: 12, parameters: 61946, leftOut: 'LogSoftmax' });
    const evaluation = await runCli(['eval', imported, '--limit', '500', '--json']);
    expect(evaluation.exitCode).toBe(0);
    expect(JSON.parse(evaluation.stdout).accuracy).toBeGreaterThan(0.9);
    const prediction = await runCli(['predict', join(repositoryRoot, 'data', 'digit-7-canvas.png'), '--params', imported, '--json']);
    expect(prediction.exitCode).toBe(0);
    expect(JSON.parse(prediction.stdout)[0].digit).toBe(7);
    for (const args of [
      ['filters', imported, '-o', join(work, 'filters.png')],
      ['activations', join(repositoryRoot, 'data', 'digit-7-canvas.png'), '--params', imported, '-o', join(work, 'maps.png')],
      ['report', imported, '--limit', '200', '-o', join(work, 'report.html')],
    ]) {
      const picture = await runCli(args);
      expect({ args, exitCode: picture.exitCode, stderr: picture.stderr }).toEqual({ args, exitCode: 0, stderr: expect.stringMatching(/^using /) });
      expect(existsSync(args[args.indexOf('-o') + 1])).toBe(true);
    }
  });

  // A small net of our own, exported, then broken in one way per case.
  const base = (): ModelProto => {
    const network = new Network({
      input: [1, 28, 28],
      layers: [
        { type: 'convolution', filters: 4, size: 3 }, { type: 'relu' }, { type: 'pooling', size: 2 },
        { type: 'convolution', filters: 4, size: 3 }, { type: 'relu' }, { type: 'affine', units: 10 },
      ],
    });
    return decodeModel(exportOnnx(network, {}));
  };
  const node = (model: ModelProto, name: string): NodeProto => model.graph?.node?.find((candidate) => candidate.name === name) as NodeProto;
  const tensor = (model: ModelProto, name: string): TensorProto => model.graph?.initializer?.find((candidate) => candidate.name === name) as TensorProto;
  const edited = (edit: (model: ModelProto) => void): Uint8Array => {
    const model = base();
    edit(model);
    return encodeModel(model);
  };
  const bytes = exportOnnx(new Network(presets.simple.model()), {});

  const cases: [string, () => Uint8Array, RegExp][] = [
    ['an operator cnn does not have', () => edited((model) => (node(model, 'relu1').op_type = 'LeakyRelu')), /^node "relu1" \(LeakyRelu\): operator LeakyRelu is not one cnn has$/],
    ['a residual branch', () => edited((model) => {
      model.graph?.node?.splice(2, 0, { name: 'residual', op_type: 'Add', input: ['relu1', 'conv1'], output: ['sum'] });
      node(model, 'pool1').input = ['sum'];
    }), /^node "residual" \(Add\): a branch: "conv1" feeds node "relu1" \(Relu\) and node "residual" \(Add\); cnn runs a plain chain of layers$/],
    ['a grouped convolution', () => edited((model) => node(model, 'conv2').attribute?.push(intAttribute('group', 2))), /^node "conv2" \(Conv\): a grouped convolution \(group 2\)/],
    ['a dilated convolution', () => edited((model) => node(model, 'conv1').attribute?.push(intsAttribute('dilations', [2, 2]))), /^node "conv1" \(Conv\): a dilated convolution \(dilations \[2,2\]\); cnn has none$/],
    ['a float64 weight', () => edited((model) => (tensor(model, 'conv2.W').data_type = 11)), /^node "conv2" \(Conv\): weight: tensor "conv2.W" is float64; cnn holds float32 only$/],
    ['a float16 input', () => edited((model) => ((model.graph?.input?.[0].type?.tensor_type ?? {}).elem_type = 10)), /^input "image" is float16; cnn reads float32 images$/],
    ['an input that is not 1 x 28 x 28', () => edited((model) => {
      const dim = model.graph?.input?.[0].type?.tensor_type?.shape?.dim ?? [];
      dim.splice(1, 3, { dim_value: 3 }, { dim_value: 32 }, { dim_value: 32 });
    }), /^input "image" is N x 3 x 32 x 32, not N x 1 x 28 x 28 \(MNIST images\)$/],
    ['external-data tensors', () => edited((model) => Object.assign(tensor(model, 'affine1.W'), { raw_data: new Uint8Array(), data_location: 1, external_data: [{ key: 'location', value: 'weights.bin' }] })),
      /^node "affine1" \(Gemm\): B: tensor "affine1.W" keeps its values in an external file, which cnn does not read$/],
    ['a truncated file', () => bytes.subarray(0, bytes.length >> 1), /^not an ONNX model, or a truncated one: its protobuf does not parse \(.+\)$/],
    ['a file that is not ONNX (a snapshot)', () => readFileSync(join(repositoryRoot, 'params', 'lenet.json')), /^not an ONNX model/],
    ['a file that is not ONNX (a PNG)', () => readFileSync(join(repositoryRoot, 'data', 'digit-7-canvas.png')), /^not an ONNX model/],
    ['an initializer whose shape does not fit its input', () => edited((model) => {
      Object.assign(tensor(model, 'conv2.W'), { dims: [4, 3, 3, 3], raw_data: new Uint8Array(4 * 3 * 9 * 4) });
    }), /^node "conv2" \(Conv\): weight has 3 input channels, but its input has 4$/],
    ['an initializer whose data does not fit its shape', () => edited((model) => (tensor(model, 'affine1.W').dims = [400, 10])),
      /^node "affine1" \(Gemm\): B: tensor "affine1.W" holds 19360 bytes, but its shape \[400,10\] needs 16000$/],
    ['a graph without an output', () => edited((model) => ((model.graph as { output: unknown[] }).output = [])), /^the graph has no output$/],
    ['an opset older than 9', () => edited((model) => (model.opset_import = [{ domain: '', version: 8 }])), /^opset 8 is older than 9, the oldest cnn reads$/],
  ];

  it.each(cases)('refuses %s: one line, exit 1, no file', async (_, make, reason) => {
    const file = join(work, 'bad.onnx');
    writeFileSync(file, make());
    const out = join(work, 'refused', 'params.json');
    const run = await runCli(['import', file, '-o', out]);
    expect(run.stdout).toBe('');
    expect(run.stderr.endsWith('\n') && run.stderr.split('\n').length).toBe(2);
    expect(run.stderr.trimEnd().replace(`cnn: ${file}: `, '')).toMatch(reason);
    expect(run.exitCode).toBe(1);
    expect(readdirSync(join(work, 'refused'))).toEqual([]);
  });
});
