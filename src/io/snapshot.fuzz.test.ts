// Fuzzing the snapshot and checkpoint loaders: mutated bytes of the JSON text, and mutated JSON
// structure (any value anywhere replaced, deleted or swapped). Each case either loads, with finite
// weights that save and load back bit for bit, or throws a one-line CnnError.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEdits, edits, Outcomes } from '../../test/helpers/mutate.js';
import { Network } from '../models/network.js';
import { simpleConvNet } from '../models/presets.js';
import { createOptimizer } from '../optim/index.js';
import { parseCheckpoint, serializeCheckpoint } from './checkpoint.js';
import { parseSnapshot, serializeSnapshot } from './snapshot.js';

const model = simpleConvNet({ input: [1, 6, 6], filters: 2, filterSize: 3, hidden: 4 });
const network = new Network(model, { seed: 1 });
const optimizer = createOptimizer('momentum');
network.params().forEach((param) => param.grad.data.fill(0.5));
optimizer.update(network.params());
const history = [{ epoch: 1, trainLoss: 2, trainAccuracy: 0.5, testAccuracy: 0.25, seconds: 3 }];
const metadata = { model: 'simple', epochs: 1, history };
const snapshotText = serializeSnapshot(network, metadata);
const checkpointText = serializeCheckpoint({
  network, metadata, optimizer,
  settings: { model: 'simple', epochs: 3, batchSize: 4, optimizer: 'momentum', learningRate: 0.01, seed: 1, trainLimit: null, testLimit: 8, data: null, out: 'n.json', threads: 1, augment: false, validation: null, weightInit: null },
  position: { epoch: 1, batch: 2, random: [5, 6, 7, 8], lossSum: 3.5, correct: 2, images: 8, seconds: 0.5 },
});

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every place in the document a value sits, as key paths: the targets of structural edits. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, index) => index) : Object.keys(value);
  return [prefix, ...keys.flatMap((key) => paths((value as Record<string, Json>)[key], [...prefix, key]))];
}

// Values where validation goes wrong: zero, negatives, fractions, huge and boundary numbers,
// strings that look like numbers, wrong types, and the names of real things in the wrong place.
const nasty = fc.oneof(
  fc.constantFrom<Json>(null, true, 0, -1, 1, 1.5, 1e308, -1e308, 2 ** 31, 2 ** 32, 2 ** 53, 4096, 65536, 1e-45),
  fc.constantFrom<Json>('', 'NaN', 'Infinity', 'he', 'float64', 'affine', 'conv1.W', 'AAAA', [], {}, [1, 28, 28], [0], { type: 'relu' }),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);

type Change = { kind: 'replace'; target: number; value: Json } | { kind: 'delete'; target: number } | { kind: 'swap'; target: number; other: number };

const change: fc.Arbitrary<Change> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), target: fc.nat(), value: nasty }),
  fc.record({ kind: fc.constant('delete' as const), target: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), target: fc.nat(), other: fc.nat() }),
);

function applyChanges(text: string, changes: Change[]): string {
  const document = JSON.parse(text) as Json;
  for (const step of changes) {
    const all = paths(document).filter((path) => path.length > 0);
    const path = all[step.target % all.length];
    const parent = path.slice(0, -1).reduce<Json>((node, key) => (node as Record<string, Json>)[key], document) as Record<string, Json>;
    const key = path[path.length - 1];
    if (step.kind === 'replace') parent[key] = step.value;
    else if (step.kind === 'delete') Array.isArray(parent) ? parent.splice(key as number, 1) : delete parent[key];
    else {
      const other = all[step.other % all.length];
      parent[key] = structuredClone(other.reduce<Json>((node, part) => (node as Record<string, Json>)[part], document));
    }
  }
  return JSON.stringify(document);
}

/** A loaded network must hold finite weights and survive a save and load unchanged. */
function checkLoaded(loaded: Network): void {
  const again = parseSnapshot(serializeSnapshot(loaded, {}), 'again').network;
  loaded.params().forEach((param, index) => {
    expect(param.value.data.every(Number.isFinite)).toBe(true);
    expect(again.params()[index].value.data).toEqual(param.value.data);
  });
}

const decoder = new TextDecoder();

describe('parseSnapshot and parseCheckpoint under fuzzing', () => {
  it('mutated bytes of the text load or throw CnnError', () => {
    const outcomes = new Outcomes();
    const bytes = [new TextEncoder().encode(snapshotText), new TextEncoder().encode(checkpointText)];
    fc.assert(
      fc.property(fc.constantFrom(0, 1), edits, (which, list) => {
        const text = decoder.decode(applyEdits(bytes[which], list));
        const snapshot = outcomes.run(() => parseSnapshot(text, 'fuzz.json'));
        if (snapshot !== undefined) checkLoaded(snapshot.network);
        const checkpoint = outcomes.run(() => parseCheckpoint(text, 'fuzz.ckpt.json'));
        if (checkpoint !== undefined) checkLoaded(checkpoint.network);
      }),
      { numRuns: 2000, seed: 11 },
    );
    expect(outcomes.total).toBe(4000);
    // Few survive: checksums catch edits to the data, and JSON most edits to the rest.
    expect(outcomes.loaded).toBeGreaterThan(10);
    expect(outcomes.rejected).toBeGreaterThan(1000);
    expect(outcomes.slowestMs).toBeLessThan(2000);
  });

  it('mutated structure loads or throws CnnError', () => {
    const outcomes = new Outcomes();
    fc.assert(
      fc.property(fc.constantFrom(snapshotText, checkpointText), fc.array(change, { minLength: 1, maxLength: 3 }), (text, changes) => {
        const mutated = applyChanges(text, changes);
        const snapshot = outcomes.run(() => parseSnapshot(mutated, 'fuzz.json'));
        if (snapshot !== undefined) checkLoaded(snapshot.network);
        const checkpoint = outcomes.run(() => parseCheckpoint(mutated, 'fuzz.ckpt.json'));
        if (checkpoint !== undefined) checkLoaded(checkpoint.network);
      }),
      { numRuns: 3000, seed: 12 },
    );
    expect(outcomes.total).toBe(6000);
    expect(outcomes.loaded).toBeGreaterThan(300);
    expect(outcomes.rejected).toBeGreaterThan(2000);
    // Structural changes reach far more of the validation than byte edits do.
    expect(outcomes.messages.size).toBeGreaterThan(60);
    expect(outcomes.slowestMs).toBeLessThan(2000);
  });
});
