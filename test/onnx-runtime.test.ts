// ONNX Runtime as the outside judge of `cnn export`: every preset, a net of every layer kind and every
// shipped snapshot, exported and run there on MNIST test images, must give our scores within
// TOLERANCE (test/helpers/onnx.ts says why that much) and the same prediction on every image.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportOnnx, INPUT_NAME, MODEL_KEY } from '../src/io/onnx/export.js';
import { decodeModel, encodeModel } from '../src/io/onnx/schema.js';
import { loadSnapshot } from '../src/io/snapshot.js';
import { softmax } from '../src/layers/softmax-with-loss.js';
import { Network } from '../src/models/network.js';
import { presets } from '../src/models/presets.js';
import { version } from '../src/version.js';
import { repositoryRoot } from './helpers/cli.js';
import { argmaxOf, disturbNormalization, everyLayerModel, firstDisagreement, ourScores, runtimeScores, testImages } from './helpers/onnx.js';

const shipped = readdirSync(join(repositoryRoot, 'params')).filter((name) => name.endsWith('.json') && !name.endsWith('.ckpt.json'));

async function agreement(network: Network, model: Uint8Array, count = 1000): Promise<string | undefined> {
  const { images } = await testImages(count);
  return firstDisagreement(ourScores(network, images), await runtimeScores(model, images), network.classes);
}

describe('cnn export, run in ONNX Runtime', () => {
  it.each(Object.keys(presets))('preset %s (initial weights, seed 1) on 1000 test images', async (name) => {
    const network = new Network(presets[name].model(), { seed: 1 });
    expect(await agreement(network, exportOnnx(network, { model: name }))).toBeUndefined();
  });

  it('a net of every layer kind (padded pools, strides, LRN, batch normalization, tanh, dropout)', async () => {
    const network = new Network(everyLayerModel, { seed: 3 });
    disturbNormalization(network);
    expect(await agreement(network, exportOnnx(network, {}))).toBeUndefined();
  });

  it.each(shipped)('shipped params/%s on 1000 test images', async (file) => {
    const { network, metadata } = await loadSnapshot(join(repositoryRoot, 'params', file));
    expect(await agreement(network, exportOnnx(network, metadata))).toBeUndefined();
  });

  it('every shipped snapshot has the same accuracy on the full test set as cnn eval recorded', async () => {
    const { images, labels } = await testImages(10000);
    for (const file of shipped) {
      const { network, metadata } = await loadSnapshot(join(repositoryRoot, 'params', file));
      const scores = await runtimeScores(exportOnnx(network, metadata), images);
      let correct = 0;
      for (let n = 0; n < labels.length; n++) if (argmaxOf(Array.from(scores.subarray(n * 10, n * 10 + 10))) === labels[n]) correct++;
      expect({ file, accuracy: correct / labels.length }).toEqual({ file, accuracy: metadata.testAccuracy });
    }
  });

  it('--softmax ends with probabilities that match ours', async () => {
    const { network, metadata } = await loadSnapshot(join(repositoryRoot, 'params', 'lenet.json'));
    const { images } = await testImages(200);
    const ours = softmax({ shape: [200, 10], data: ourScores(network, images) }).data as Float32Array;
    const theirs = await runtimeScores(exportOnnx(network, metadata, { softmax: true }), images);
    expect(firstDisagreement(ours, theirs, 10)).toBeUndefined();
  });

  it('the tolerance catches a wrong mapping: LRN alpha left undivided by size', async () => {
    const { network, metadata } = await loadSnapshot(join(repositoryRoot, 'params', 'alexnet.json'));
    const model = decodeModel(exportOnnx(network, metadata));
    for (const node of model.graph?.node ?? []) {
      for (const attribute of node.attribute ?? []) if (node.op_type === 'LRN' && attribute.name === 'alpha') attribute.f = 1e-4;
    }
    expect(await agreement(network, encodeModel(model), 100)).toMatch(/scores differ/);
  });

  it('names and describes its input and output, with a dynamic batch, producer and metadata', () => {
    const network = new Network(presets.simple.model(), { seed: 1 });
    const model = decodeModel(exportOnnx(network, { model: 'simple', dataset: 'mnist', epochs: 20, testAccuracy: 0.9888 }));
    expect(model.producer_name).toBe('cnn');
    expect(model.producer_version).toBe(version);
    expect(model.opset_import).toEqual([{ domain: '', version: 13 }]);
    const input = model.graph?.input?.[0];
    expect(input?.name).toBe(INPUT_NAME);
    expect(input?.type?.tensor_type?.shape?.dim).toEqual([{ dim_param: 'N' }, { dim_value: 1 }, { dim_value: 28 }, { dim_value: 28 }]);
    expect(input?.doc_string).toMatch(/N x 1 x 28 x 28 float32 .*0 .* to 1/);
    expect(model.doc_string).toContain(input?.doc_string);
    expect(model.graph?.output?.[0].name).toBe('scores');
    const props = Object.fromEntries((model.metadata_props ?? []).map(({ key, value }) => [key, value]));
    expect(props).toMatchObject({ dataset: 'mnist', epochs: '20', testAccuracy: '0.9888' });
    expect(JSON.parse(props[MODEL_KEY])).toEqual(presets.simple.model());
    expect(model.graph?.node?.map((node) => node.op_type)).toEqual(['Conv', 'Relu', 'MaxPool', 'Flatten', 'Gemm', 'Relu', 'Gemm']);
  });
});
