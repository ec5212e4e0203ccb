// Input checks shared by the layers, with messages that name the layer, the expectation and the input.

import { formatShape, sameShape, type Tensor } from '../tensor/tensor.js';

export function checkInput(name: string, x: Tensor, sampleShape: readonly number[]): number {
  const N = x.shape[0];
  if (x.shape.length !== sampleShape.length + 1 || !sameShape(x.shape.slice(1), sampleShape)) {
    throw new RangeError(
      `${name}: input must be [N,${sampleShape.join(',')}], got ${formatShape(x.shape)}`,
    );
  }
  return N;
}

export function checkGradient(name: string, dout: Tensor, expected: readonly number[]): void {
  if (!sameShape(dout.shape, expected)) {
    throw new RangeError(
      `${name}: dout must be ${formatShape(expected)}, got ${formatShape(dout.shape)}`,
    );
  }
}

export function noForward(name: string): never {
  throw new Error(`${name}: backward called before forward`);
}
