import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { version } from '../../version.js';
import descriptor from './onnx-proto.json' with { type: 'json' };
import { decodeModel, encodeModel } from './schema.js';
import { floatTensor, readFloatTensor, readIntegerTensor } from './tensors.js';

describe('ONNX schema', () => {
  it('onnx-proto.json is onnx.proto as scripts/onnx-descriptor.js compiles it', () => {
    const proto = readFileSync(new URL('./onnx.proto', import.meta.url), 'utf8');
    expect(protobuf.parse(proto, { keepCase: true }).root.toJSON()).toEqual(JSON.parse(JSON.stringify(descriptor)));
  });

  it('the producer version is the package version', () => {
    const packageJson = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(version).toBe(packageJson.version);
  });

  it('float32 tensors go through the wire format bit for bit, NaN patterns and -0 included', () => {
    const values = new Float32Array([0, -0, 1.5, -3.25e-38, 3.4e38, Number.NaN, 1e-45]);
    const model = decodeModel(encodeModel({ graph: { initializer: [floatTensor('w', [7], values)] } }));
    const back = readFloatTensor(model.graph?.initializer?.[0] ?? {});
    expect(typeof back).toBe('object');
    const bits = (array: Float32Array) => Array.from(new Uint32Array(array.buffer));
    expect(bits((back as { data: Float32Array }).data)).toEqual(bits(values));
  });

  it('reads float_data as well as raw_data, and int64 shapes from either', () => {
    expect(readFloatTensor({ name: 'w', dims: [2], data_type: 1, float_data: [1, 2] })).toEqual({ shape: [2], data: new Float32Array([1, 2]) });
    const raw = new Uint8Array(16);
    new DataView(raw.buffer).setBigInt64(0, -1n, true);
    new DataView(raw.buffer).setBigInt64(8, 320n, true);
    expect(readIntegerTensor({ name: 's', dims: [2], data_type: 7, raw_data: raw })).toEqual([-1, 320]);
    expect(readIntegerTensor({ name: 's', dims: [2], data_type: 7, int64_data: [0, -1] })).toEqual([0, -1]);
  });

  it('names what it cannot read', () => {
    expect(readFloatTensor({ name: 'w', dims: [2], data_type: 11, raw_data: new Uint8Array(16) })).toMatch(/"w" is float64; cnn holds float32 only/);
    expect(readFloatTensor({ name: 'w', dims: [2], data_type: 1, data_location: 1 })).toMatch(/external file/);
    expect(readFloatTensor({ name: 'w', dims: [3], data_type: 1, raw_data: new Uint8Array(8) })).toMatch(/holds 8 bytes, but its shape \[3\] needs 12/);
  });
});
