// Fuzzing cnn import: mutated bytes of an export, and mutated fields of its decoded graph (an
// attribute, a dimension, a type or a name replaced). Each case either imports, into finite weights that
// save and load back, or throws a one-line CnnError.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEdits, edits, Outcomes } from '../../../test/helpers/mutate.js';
import { Network } from '../../models/network.js';
import { parseSnapshot, serializeSnapshot } from '../snapshot.js';
import { exportOnnx } from './export.js';
import { importOnnx } from './import.js';
import { decodeModel, encodeModel, type ModelProto } from './schema.js';

const network = new Network({
  input: [1, 28, 28],
  layers: [
    { type: 'convolution', filters: 2, size: 3, pad: 1 }, { type: 'batchnorm' }, { type: 'relu' }, { type: 'pooling', size: 2 },
    { type: 'lrn', size: 3 }, { type: 'pooling', size: 2, mode: 'average' }, { type: 'affine', units: 4 }, { type: 'dropout' },
    { type: 'sigmoid' }, { type: 'affine', units: 10 },
  ],
}, { seed: 2 });
const bytes = exportOnnx(network, { model: 'fuzz', epochs: 1 }, { softmax: true });

function checkImported(imported: ReturnType<typeof importOnnx>): void {
  const again = parseSnapshot(serializeSnapshot(imported.network, imported.metadata), 'again').network;
  imported.network.tensors().forEach((tensor, index) => {
    expect(tensor.value.data.every(Number.isFinite)).toBe(true);
    expect(again.tensors()[index].value.data).toEqual(tensor.value.data);
  });
}

// Every number-valued field of the decoded model, as key paths: attributes, dims, types, versions.
function numberPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'number') return [prefix];
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => numberPaths(child, [...prefix, Array.isArray(value) ? Number(key) : key]));
}

const template = decodeModel(bytes);
const targets = numberPaths(template);
const nasty = fc.oneof(fc.constantFrom(0, -1, 1, 2, 3, 7, 9, 10, 11, 28, 1e9, 2 ** 31, -(2 ** 31), 0.5), fc.integer({ min: -5, max: 40 }));

describe('importOnnx under fuzzing', () => {
  it('mutated bytes import or throw CnnError', () => {
    const outcomes = new Outcomes();
    fc.assert(
      fc.property(edits, (list) => {
        const imported = outcomes.run(() => importOnnx(applyEdits(bytes, list), 'fuzz.onnx'));
        if (imported !== undefined) checkImported(imported);
      }),
      { numRuns: 1500, seed: 5 },
    );
    expect(outcomes.loaded).toBeGreaterThan(10);
    expect(outcomes.rejected).toBeGreaterThan(300);
    expect(outcomes.slowestMs).toBeLessThan(2000);
  });

  it('mutated numbers in the graph import or throw CnnError', () => {
    const outcomes = new Outcomes();
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), nasty), { minLength: 1, maxLength: 3 }), (changes) => {
        const model = structuredClone(template) as ModelProto;
        for (const [target, value] of changes) {
          const path = targets[target % targets.length];
          const parent = path.slice(0, -1).reduce<Record<string | number, unknown>>((node, key) => node[key] as Record<string | number, unknown>, model as never);
          parent[path[path.length - 1]] = value;
        }
        const imported = outcomes.run(() => importOnnx(encodeModel(model), 'fuzz.onnx'));
        if (imported !== undefined) checkImported(imported);
      }),
      { numRuns: 1500, seed: 6 },
    );
    expect(outcomes.loaded).toBeGreaterThan(10);
    expect(outcomes.rejected).toBeGreaterThan(300);
  });
});
