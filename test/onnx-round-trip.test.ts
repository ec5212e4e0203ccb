// Export then import: the same weights bit for bit and the same predictions, through the model spec a
// cnn export carries and, with that taken out, through the graph alone.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportOnnx, MODEL_KEY } from '../src/io/onnx/export.js';
import { importOnnx } from '../src/io/onnx/import.js';
import { decodeModel, encodeModel } from '../src/io/onnx/schema.js';
import { loadSnapshot, serializeSnapshot } from '../src/io/snapshot.js';
import { Network } from '../src/models/network.js';
import { repositoryRoot } from './helpers/cli.js';
import { disturbNormalization, everyLayerModel, ourScores, testImages } from './helpers/onnx.js';

const shipped = readdirSync(join(repositoryRoot, 'params')).filter((name) => name.endsWith('.json') && !name.endsWith('.ckpt.json'));

function bits(network: Network): Record<string, number[]> {
  return Object.fromEntries(network.tensors().map(({ name, value }) => [name, [...value.shape, ...new Uint32Array(Float32Array.from(value.data).buffer)]]));
}

/** The export without the model spec it carries, as a file from another tool would come. */
function graphOnly(bytes: Uint8Array): Uint8Array {
  const model = decodeModel(bytes);
  model.metadata_props = model.metadata_props?.filter((prop) => prop.key !== MODEL_KEY);
  return encodeModel(model);
}

describe('ONNX round trip', () => {
  it.each(shipped)('params/%s comes back as the very same snapshot file', async (file) => {
    const path = join(repositoryRoot, 'params', file);
    const { network, metadata } = await loadSnapshot(path);
    const back = importOnnx(exportOnnx(network, metadata), 'model.onnx');
    expect(serializeSnapshot(back.network, back.metadata)).toBe(readFileSync(path, 'utf8'));
  });

  it.each(shipped)('params/%s from the graph alone: bitwise weights, identical scores', async (file) => {
    const { network, metadata } = await loadSnapshot(join(repositoryRoot, 'params', file));
    const back = importOnnx(graphOnly(exportOnnx(network, metadata)), 'model.onnx');
    expect(bits(back.network)).toEqual(bits(network));
    const { images } = await testImages(300);
    expect(ourScores(back.network, images)).toEqual(ourScores(network, images));
    expect(back.metadata).toMatchObject({ importedFrom: 'model.onnx', producer: 'cnn 0.1.0', opset: 13, onnxMetadata: { dataset: 'mnist' } });
  });

  it('a net of every layer kind from the graph alone: the same layers, weights and scores', async () => {
    const network = new Network(everyLayerModel, { seed: 3 });
    disturbNormalization(network);
    const back = importOnnx(graphOnly(exportOnnx(network, {}, { softmax: true })), 'model.onnx');
    expect(back.ending).toBe('Softmax');
    const withoutInit = everyLayerModel.layers.map(({ ...spec }) => {
      delete (spec as { weightInit?: unknown }).weightInit;
      return spec;
    });
    const defaults = { lrn: {}, batchnorm: { momentum: 0.9, epsilon: 1e-5 }, affine: {}, convolution: { pad: 0 }, pooling: { pad: 0 } };
    expect(back.network.model.layers).toEqual(
      withoutInit.map((spec) => ({ ...(defaults as Record<string, object>)[spec.type], ...spec })),
    );
    expect(bits(back.network)).toEqual(bits(network));
    const { images } = await testImages(300);
    expect(ourScores(back.network, images)).toEqual(ourScores(network, images));
  });
});
