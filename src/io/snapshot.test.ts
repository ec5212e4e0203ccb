import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CnnError } from '../errors.js';
import { Network } from '../models/network.js';
import { simpleConvNet } from '../models/presets.js';
import { loadSnapshot, parseSnapshot, saveSnapshot, serializeSnapshot, type SnapshotMetadata } from './snapshot.js';

const model = simpleConvNet({ input: [1, 10, 10], filters: 4, filterSize: 3, hidden: 8 });

const metadata: SnapshotMetadata = {
  model: 'simple',
  dataset: 'mnist',
  epochs: 2,
  seed: 7,
  batchSize: 100,
  optimizer: 'adam',
  learningRate: 0.001,
  trainAccuracy: 0.9,
  testAccuracy: 0.875,
  date: '2025-01-02T03:04:05.000Z',
  seconds: 12.5,
  history: [{ epoch: 1, trainLoss: 0.5, trainAccuracy: 0.8, testAccuracy: 0.79, seconds: 6 }],
};

// Awkward values on purpose: subnormals, -0, the largest float32, and plenty of random bits.
function trainedNetwork(): Network {
  const network = new Network(model, { seed: 3 });
  const weights = network.params()[0].value.data;
  weights.set([1.4e-45, -0, 3.4028234663852886e38, -1.1754942e-38, 1 / 3]);
  return network;
}

type Document = { model: { input: number[]; layers: { units?: number }[] }; tensors: Record<string, { shape: number[]; dtype: string; data: string }>; [key: string]: unknown };

function edited(change: (document: Document) => void): string {
  const document = JSON.parse(serializeSnapshot(trainedNetwork(), metadata)) as Document;
  change(document);
  return JSON.stringify(document);
}

function parseError(text: string): string {
  try {
    parseSnapshot(text, 'params.json');
  } catch (error) {
    expect(error).toBeInstanceOf(CnnError);
    return (error as Error).message;
  }
  throw new Error('parseSnapshot accepted a bad snapshot');
}

// The lowest bit of the first float's mantissa: still a finite number, so only the checksum can tell.
function flipBit(data: string): string {
  const bytes = Buffer.from(data, 'base64');
  bytes[0] ^= 1;
  return bytes.toString('base64');
}

function float32Bytes(values: number[]): string {
  return Buffer.from(new Float32Array(values).buffer).toString('base64');
}

describe('serializeSnapshot / parseSnapshot', () => {
  it('round-trips every weight bitwise', () => {
    const original = trainedNetwork();
    const { network } = parseSnapshot(serializeSnapshot(original, metadata), 'params.json');
    expect(network.model).toEqual(model);
    const loaded = network.params();
    expect(loaded.map((param) => param.name)).toEqual(original.params().map((param) => param.name));
    original.params().forEach((param, index) => {
      const saved = param.value.data as Float32Array;
      const restored = loaded[index].value.data as Float32Array;
      expect(restored).toBeInstanceOf(Float32Array);
      expect(loaded[index].value.shape).toEqual(param.value.shape);
      expect(new Uint32Array(restored.buffer, restored.byteOffset, restored.length)).toEqual(
        new Uint32Array(saved.buffer, saved.byteOffset, saved.length),
      );
    });
  });

  it('saves batch normalization\'s running statistics, and refuses a negative variance', () => {
    const withNorm = new Network({ input: [1, 6, 6], layers: [{ type: 'convolution', filters: 2, size: 3 }, { type: 'batchnorm' }, { type: 'affine', units: 3 }] }, { seed: 2 });
    const variance = withNorm.tensors().find((tensor) => tensor.name === 'batchnorm1.runningVariance')!;
    variance.value.data.set([0.5, 2]);
    const text = serializeSnapshot(withNorm, {});
    const loaded = parseSnapshot(text, 'bn.json').network.tensors().find((tensor) => tensor.name === 'batchnorm1.runningVariance')!;
    expect(Array.from(loaded.value.data)).toEqual([0.5, 2]);
    variance.value.data.set([0.5, -1]);
    expect(() => parseSnapshot(serializeSnapshot(withNorm, {}), 'bn.json')).toThrow(/^bn.json: tensor batchnorm1.runningVariance holds a negative variance -1 at index 1$/);
  });

  it('keeps metadata, unknown keys included', () => {
    const withExtra = { ...metadata, optimizerState: { step: 3 }, note: 'hello' };
    expect(parseSnapshot(serializeSnapshot(trainedNetwork(), withExtra), 'p').metadata).toEqual(withExtra);
  });

  it('writes the documented format', () => {
    const document = JSON.parse(serializeSnapshot(trainedNetwork(), {})) as Document;
    expect(document.format).toBe('cnn-snapshot');
    expect(document.version).toBe(1);
    expect(document.tensors['conv1.W'].shape).toEqual([4, 1, 3, 3]);
    expect(document.tensors['conv1.b']).toEqual({
      shape: [4], dtype: 'float32', data: float32Bytes([0, 0, 0, 0]), sha256: createHash('sha256').update(Buffer.alloc(16)).digest('hex'),
    });
    const bytes = Buffer.from(document.tensors['conv1.W'].data, 'base64');
    expect([0, 4, 8, 16].map((offset) => bytes.readFloatLE(offset))).toEqual([1.4e-45, -0, 3.4028234663852886e38, 1 / 3].map(Math.fround));
  });

  it('refuses to serialize NaN or Infinity weights', () => {
    const network = trainedNetwork();
    network.params()[0].value.data[5] = NaN;
    expect(() => serializeSnapshot(network, {})).toThrow(new CnnError('refusing to save: conv1.W holds NaN at index 5'));
    network.params()[0].value.data[5] = 0;
    network.params()[3].value.data[1] = -Infinity;
    expect(() => serializeSnapshot(network, {})).toThrow(/refusing to save: affine1.b holds -Infinity at index 1/);
  });

  it('refuses metadata that would not load back', () => {
    expect(() => serializeSnapshot(trainedNetwork(), { testAccuracy: NaN })).toThrow(/refusing to save: metadata.testAccuracy must be a finite number, got NaN/);
  });

  it.each<[string, () => string, RegExp]>([
    ['truncated JSON', () => serializeSnapshot(trainedNetwork(), metadata).slice(0, 300), /^params.json: not valid JSON \(truncated\?\): [^\n]*$/],
    ['garbage', () => 'hello', /^params.json: not valid JSON: /],
    ['not an object', () => '[1,2]', /expected a JSON object, got an array/],
    ['wrong format tag', () => edited((d) => (d.format = 'keras')), /not a cnn snapshot: format is "keras", expected "cnn-snapshot"/],
    ['missing format tag', () => edited((d) => delete d.format), /format is missing/],
    ['version 99', () => edited((d) => (d.version = 99)), /snapshot version 99 is not supported \(this cnn reads version 1\)/],
    ['invalid model', () => edited((d) => (d.model.layers[3].units = -1)), /^params.json: layer 3 \(affine\): units must be a positive integer, got -1$/],
    ['impossible geometry', () => edited((d) => (d.model.input = [1, 11, 11])), /^params.json: layer 2: pool1 \(height\): .* is not an integer$/],
    ['missing tensors', () => edited((d) => delete (d as { tensors?: unknown }).tensors), /tensors must be an object/],
    ['missing tensor', () => edited((d) => delete d.tensors['affine1.W']), /^params.json: tensor affine1.W is missing$/],
    ['extra tensor', () => edited((d) => (d.tensors['affine3.W'] = d.tensors['affine2.W'])), /unexpected tensor affine3.W \(the model has conv1.W, conv1.b/],
    ['wrong shape', () => edited((d) => (d.tensors['conv1.W'].shape = [4, 1, 9, 1])), /^params.json: tensor conv1.W has shape \[4,1,9,1\], expected \[4,1,3,3\]$/],
    ['missing shape', () => edited((d) => delete (d.tensors['conv1.b'] as { shape?: unknown }).shape), /tensor conv1.b has shape missing, expected \[4\]/],
    ['float64 dtype', () => edited((d) => (d.tensors['conv1.b'].dtype = 'float64')), /tensor conv1.b has dtype "float64", expected "float32"/],
    ['bad base64 length', () => edited((d) => (d.tensors['conv1.b'].data = float32Bytes([1, 2, 3]))), /tensor conv1.b: data holds 12 bytes, expected 16 \(4 float32 values\)/],
    ['corrupt base64', () => edited((d) => (d.tensors['conv1.b'].data = '!!!!' + float32Bytes([1, 2, 3]))), /tensor conv1.b: data is not a base64 string/],
    ['base64 with a space in it', () => edited((d) => (d.tensors['conv1.b'].data = float32Bytes([1, 2, 3, 4]).replace(/^(.{4})./, '$1 '))), /tensor conv1.b: data is not a base64 string/],
    ['base64 padding in the middle', () => edited((d) => (d.tensors['conv1.b'].data = `${float32Bytes([1])}${float32Bytes([2, 3])}`)), /tensor conv1.b: data is not a base64 string/],
    ['data not a string', () => edited((d) => ((d.tensors['conv1.b'] as { data: unknown }).data = [1, 2, 3, 4])), /tensor conv1.b: data is not a base64 string/],
    ['a model far larger than its data', () => edited((d) => (d.model.layers[3].units = 65536)), /^params.json: the model needs 4915250 weights, but the file holds only \d+$/],
    ['a flipped bit', () => edited((d) => (d.tensors['conv1.W'].data = flipBit(d.tensors['conv1.W'].data))), /^params.json: tensor conv1.W: checksum mismatch, the data is corrupt$/],
    ['a malformed checksum', () => edited((d) => ((d.tensors['conv1.b'] as { sha256?: unknown }).sha256 = 'abc')), /^params.json: tensor conv1.b: sha256 must be 64 hex digits$/],
    ['NaN inside', () => edited((d) => (d.tensors['conv1.b'].data = float32Bytes([1, 2, NaN, 4]))), /^params.json: tensor conv1.b holds NaN at index 2$/],
    ['Infinity inside', () => edited((d) => (d.tensors['affine2.b'].data = float32Bytes([0, 0, 0, 0, 0, 0, 0, 0, 0, Infinity]))), /tensor affine2.b holds Infinity at index 9/],
    ['bad metadata number', () => edited((d) => (d.metadata = { epochs: 'ten' })), /metadata.epochs must be a finite number, got "ten"/],
    ['bad metadata history', () => edited((d) => (d.metadata = { history: [{ epoch: 1 }] })), /metadata.history\[0\].trainLoss is missing/],
  ])('rejects %s', (_case, text, pattern) => {
    expect(parseError(text())).toMatch(pattern);
  });

  it('accepts a snapshot written before checksums existed', () => {
    const text = edited((d) => Object.values(d.tensors).forEach((entry) => delete (entry as { sha256?: string }).sha256));
    expect(parseSnapshot(text, 'p').network.params()[0].value.data[4]).toBe(Math.fround(1 / 3));
  });

  it('accepts a snapshot without metadata', () => {
    expect(parseSnapshot(edited((d) => delete d.metadata), 'p').metadata).toEqual({});
  });
});

describe('saveSnapshot / loadSnapshot', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'cnn-snapshot-'));
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('saves into missing directories and loads back the same weights', async () => {
    const path = join(directory, 'params', 'deep', 'net.json');
    const original = trainedNetwork();
    await saveSnapshot(path, original, metadata);
    const { network, metadata: loaded } = await loadSnapshot(path);
    expect(loaded).toEqual(metadata);
    expect(network.params().map((param) => [...param.value.data])).toEqual(original.params().map((param) => [...param.value.data]));
    expect(await readdir(join(directory, 'params', 'deep'))).toEqual(['net.json']);
  });

  it('refuses NaN weights and leaves the existing file unchanged', async () => {
    const path = join(directory, 'net.json');
    await saveSnapshot(path, trainedNetwork(), metadata);
    const before = await readFile(path, 'utf8');
    const broken = trainedNetwork();
    broken.params()[2].value.data[0] = NaN;
    await expect(saveSnapshot(path, broken, metadata)).rejects.toThrow(/refusing to save: affine1.W holds NaN at index 0/);
    expect(await readFile(path, 'utf8')).toBe(before);
    expect(await readdir(directory)).toEqual(['net.json']);
  });

  it('names a path it cannot write', async () => {
    await writeFile(join(directory, 'file'), '');
    await expect(saveSnapshot(join(directory, 'file', 'net.json'), trainedNetwork(), {})).rejects.toThrow(CnnError);
  });

  it.each<[string, (path: string) => Promise<unknown>, RegExp]>([
    ['missing', async () => undefined, /: no such file$/],
    ['a directory', (path) => mkdir(path), /: is a directory, expected a snapshot file$/],
    ['empty', (path) => writeFile(path, '  \n'), /: the file is empty$/],
    ['truncated', (path) => writeFile(path, '{"format": "cnn-snap'), /: not valid JSON \(truncated\?\)/],
  ])('loadSnapshot names a file that is %s', async (_case, prepare, pattern) => {
    const path = join(directory, 'net.json');
    await prepare(path);
    const error = await loadSnapshot(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CnnError);
    expect((error as Error).message.startsWith(path)).toBe(true);
    expect((error as Error).message).toMatch(pattern);
  });
});
