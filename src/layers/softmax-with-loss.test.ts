import { describe, expect, it } from 'vitest';
import { relativeError } from '../../test/helpers/compare.js';
import { SoftmaxWithLoss, softmax } from './softmax-with-loss.js';

describe('SoftmaxWithLoss', () => {
  it('computes the cross-entropy of a hand-worked row', () => {
    const loss = new SoftmaxWithLoss().forward({ shape: [1, 3], data: new Float64Array([1, 2, 3]) }, [2]);
    const expected = -Math.log(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3)));
    expect(loss).toBeCloseTo(expected, 14);
  });

  it('stays finite for huge scores (the max shift and log-sum-exp at work)', () => {
    const layer = new SoftmaxWithLoss();
    const loss = layer.forward({ shape: [2, 2], data: new Float32Array([1000, -1000, -1000, 1000]) }, [1, 1]);
    expect(loss).toBeCloseTo(1000, 3);
    expect(Array.from(layer.backward().data).every(Number.isFinite)).toBe(true);
    expect(Array.from(softmax({ shape: [1, 2], data: new Float32Array([1000, 1000]) }).data)).toEqual([0.5, 0.5]);
  });

  it('backward matches the numerical gradient', () => {
    const x = new Float64Array([0.3, -1.2, 2.0, 0.7, 0.1, -0.4]);
    const labels = [2, 0];
    const layer = new SoftmaxWithLoss();
    layer.forward({ shape: [2, 3], data: x }, labels);
    const analytic = layer.backward().data;
    const numerical = new Float64Array(6);
    const h = 1e-6;
    for (let i = 0; i < 6; i++) {
      const original = x[i];
      x[i] = original + h;
      const plus = new SoftmaxWithLoss().forward({ shape: [2, 3], data: x }, labels);
      x[i] = original - h;
      const minus = new SoftmaxWithLoss().forward({ shape: [2, 3], data: x }, labels);
      x[i] = original;
      numerical[i] = (plus - minus) / (2 * h);
    }
    expect(relativeError(analytic, numerical)).toBeLessThan(1e-8);
  });

  it('rejects labels outside the classes', () => {
    expect(() => new SoftmaxWithLoss().forward({ shape: [1, 3], data: new Float32Array(3) }, [3])).toThrow(/label 3 at 0/);
  });
});
