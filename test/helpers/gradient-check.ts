// Checks a layer's backward against central differences in float64. The scalar being differentiated
// is L = sum(forward(x) * r) for a fixed random r, so dL/dout = r is what backward receives.

import type { Layer } from '../../src/layers/layer.js';
import { Random } from '../../src/tensor/random.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { randomArray, relativeError } from './compare.js';

export interface GradientReport {
  /** Relative error per checked array: "x" for the input, then each parameter by name. */
  errors: Record<string, number>;
  doutUnchanged: boolean;
}

export function checkLayerGradient(layer: Layer, batch: number, seed = 5, h = 1e-5): GradientReport {
  const random = new Random(seed);
  const x: Tensor = { shape: [batch, ...layer.inputShape], data: randomArray(batch * size(layer.inputShape), random) };
  const out = layer.forward(x, true);
  const r = randomArray(out.data.length, random);
  const objective = (): number => {
    const y = layer.forward(x, true).data;
    let sum = 0;
    for (let i = 0; i < y.length; i++) sum += y[i] * r[i];
    return sum;
  };
  const numerical = (values: Float32Array | Float64Array): Float64Array => {
    const g = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const original = values[i];
      values[i] = original + h;
      const plus = objective();
      values[i] = original - h;
      const minus = objective();
      values[i] = original;
      g[i] = (plus - minus) / (2 * h);
    }
    return g;
  };

  layer.forward(x, true);
  const dout: Tensor = { shape: out.shape, data: r.slice() };
  const dx = layer.backward(dout);
  const analytic = new Map<string, Float64Array>();
  if (dx !== undefined) analytic.set('x', Float64Array.from(dx.data));
  for (const param of layer.params()) analytic.set(param.name, Float64Array.from(param.grad.data));

  const errors: Record<string, number> = {};
  if (dx !== undefined) errors.x = relativeError(analytic.get('x')!, numerical(x.data));
  for (const param of layer.params()) errors[param.name] = relativeError(analytic.get(param.name)!, numerical(param.value.data));
  return { errors, doutUnchanged: dout.data.every((value, i) => value === r[i]) };
}

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
