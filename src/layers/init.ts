// Weight initialisation, as the book's weight_init_std: a fixed scale, or He / Xavier from the fan-in.

import type { FloatArray } from '../tensor/tensor.js';
import type { Random } from '../tensor/random.js';
import type { WeightInit } from './layer.js';

export function initScale(init: WeightInit, fanIn: number): number {
  if (init === 'he' || init === 'relu') return Math.sqrt(2 / fanIn);
  if (init === 'xavier' || init === 'sigmoid') return Math.sqrt(1 / fanIn);
  return init;
}

export function fillNormal(target: FloatArray, scale: number, random: Random | null): void {
  if (random === null) return;
  for (let i = 0; i < target.length; i++) target[i] = random.normal() * scale;
}
