import { describe, expect, it } from 'vitest';
import type { Param } from '../layers/layer.js';
import { float32Smallest } from '../kernels/elementwise.js';
import { createOptimizer, optimizerNames } from './index.js';

// Two steps from w = [1, -2] with gradients [0.5, -0.25] then [0.1, 0.2], default hyperparameters.
// Expected values were worked out with the book's NumPy update rules (common/optimizer.py).
const expected: Record<string, [number[], number[]]> = {
  sgd: [[0.995, -1.9975], [0.994, -1.9995]],
  momentum: [[0.995, -1.9975], [0.9895, -1.99725]],
  nesterov: [[0.98645, -1.993225], [0.980095, -1.9968225]],
  adagrad: [[0.9900000019999996, -1.9900000039999983], [0.988038841033233, -1.9962469525243236]],
  rmsprop: [[0.9000001999996, -1.9000003999984], [0.880293653271189, -1.9626610396790334]],
  adam: [[0.9990000063245154, -1.9990000126489507], [0.9981969703286983, -1.998941888175937]],
};

function param(): Param {
  return { name: 'w', value: { shape: [2], data: new Float64Array([1, -2]) }, grad: { shape: [2], data: new Float64Array(2) } };
}

describe('optimizers: the first two steps match hand-computed values', () => {
  for (const name of optimizerNames) {
    it(name, () => {
      const p = param();
      const optimizer = createOptimizer(name);
      p.grad.data.set([0.5, -0.25]);
      optimizer.update([p]);
      expect(Array.from(p.value.data)[0]).toBeCloseTo(expected[name][0][0], 12);
      expect(Array.from(p.value.data)[1]).toBeCloseTo(expected[name][0][1], 12);
      p.grad.data.set([0.1, 0.2]);
      optimizer.update([p]);
      expect(Array.from(p.value.data)[0]).toBeCloseTo(expected[name][1][0], 12);
      expect(Array.from(p.value.data)[1]).toBeCloseTo(expected[name][1][1], 12);
    });
  }

  it("Adam's first step moves each weight by about lr * sign(g), whatever the gradient's size", () => {
    const p = { name: 'w', value: { shape: [3], data: new Float64Array([0, 0, 0]) }, grad: { shape: [3], data: new Float64Array([1e-3, -50, 7]) } };
    createOptimizer('adam').update([p]);
    for (const [i, sign] of [-1, 1, -1].entries()) expect(p.value.data[i]).toBeCloseTo(sign * 0.001, 5);
  });

  it('state saved and restored continues identically', () => {
    const a = param();
    const b = param();
    const first = createOptimizer('adam');
    a.grad.data.set([0.5, -0.25]);
    first.update([a]);
    const second = createOptimizer('adam');
    b.value.data.set(a.value.data);
    second.setState(JSON.parse(JSON.stringify(first.state())), [b]);
    a.grad.data.set([0.1, 0.2]);
    b.grad.data.set([0.1, 0.2]);
    first.update([a]);
    second.update([b]);
    expect(Array.from(b.value.data)).toEqual(Array.from(a.value.data));
  });

  it('rejects a learning rate that is not a positive number', () => {
    expect(() => createOptimizer('sgd', -1)).toThrow(/learning rate/);
    expect(() => createOptimizer('adam', Number.NaN)).toThrow(/learning rate/);
    expect(() => createOptimizer('lion')).toThrow(/unknown optimizer "lion"/);
  });
});

describe('optimizer state that decays to a subnormal number becomes zero', () => {
  // After one gradient, a weight whose gradient stays zero has a state that only decays; within a few
  // thousand steps it would fall below float32's smallest normal number, where arithmetic is a
  // hundred times slower (see kernels/elementwise.ts). On a Float32Array, as training keeps it.
  for (const name of ['momentum', 'nesterov', 'rmsprop', 'adam']) {
    it(name, () => {
      const p: Param = { name: 'w', value: { shape: [1], data: new Float32Array([0.5]) }, grad: { shape: [1], data: new Float32Array([1e-3]) } };
      const optimizer = createOptimizer(name);
      optimizer.update([p]);
      p.grad.data[0] = 0;
      const state = () => Array.from(optimizer.stateViews().slots.get('w')!, (slot) => slot[0]);
      let steps = 1;
      while (state().some((value) => value !== 0) && steps < 200_000) {
        expect(state().every((value) => value === 0 || Math.abs(value) >= float32Smallest), `step ${steps}: ${state()}`).toBe(true);
        optimizer.update([p]);
        steps++;
      }
      expect(state()).toEqual(state().map(() => 0));
    });
  }
});
