// What every optimizer shares: a step over the flat list of (value, grad) pairs, and per-parameter
// state slots (velocity, squared-gradient sums, moments) that a checkpoint can save and restore.

import type { Param } from '../layers/layer.js';
import { zeroBuffer } from '../layers/scratch.js';
import { dtypeOf, type FloatArray } from '../tensor/tensor.js';

export interface OptimizerState {
  /** Steps taken so far (Adam's bias correction needs it). */
  step: number;
  /** Per parameter name, its slots in order (e.g. Adam: m then v). */
  slots: Record<string, number[][]>;
}

export abstract class Optimizer {
  abstract readonly name: string;
  protected step = 0;
  private readonly slotsByName = new Map<string, FloatArray[]>();

  constructor(readonly learningRate: number) {
    if (!(learningRate > 0) || !Number.isFinite(learningRate)) {
      throw new RangeError(`optimizer: learning rate must be a positive number, got ${learningRate}`);
    }
  }

  /** Number of state arrays each parameter needs. */
  protected abstract readonly slotCount: number;

  protected abstract updateOne(w: FloatArray, g: FloatArray, slots: FloatArray[]): void;

  update(params: Param[]): void {
    this.step++;
    this.beforeStep();
    for (const param of params) this.updateOne(param.value.data, param.grad.data, this.slots(param));
  }

  protected beforeStep(): void {}

  private slots(param: Param): FloatArray[] {
    let slots = this.slotsByName.get(param.name);
    if (slots === undefined) {
      const length = param.value.data.length;
      const dtype = dtypeOf(param.value.data);
      slots = Array.from({ length: this.slotCount }, () => zeroBuffer(length, dtype));
      this.slotsByName.set(param.name, slots);
    }
    return slots;
  }

  /** A copy of the state as plain arrays, ready for JSON. */
  state(): OptimizerState {
    const slots: Record<string, number[][]> = {};
    for (const [name, arrays] of this.slotsByName) slots[name] = arrays.map((array) => Array.from(array));
    return { step: this.step, slots };
  }

  /**
   * The live state arrays, for a checkpoint to encode without first copying a million values into
   * plain arrays (which took 200 ms per epoch); read them before the next step changes them.
   */
  stateViews(): { step: number; slots: ReadonlyMap<string, readonly FloatArray[]> } {
    return { step: this.step, slots: this.slotsByName };
  }

  setState(state: OptimizerState, params: Param[]): void {
    this.step = state.step;
    this.slotsByName.clear();
    for (const param of params) {
      const saved = state.slots[param.name];
      if (saved === undefined) continue;
      const arrays = this.slots(param);
      if (saved.length !== arrays.length || saved.some((values, i) => values.length !== arrays[i].length)) {
        throw new RangeError(`optimizer state for ${param.name} does not match the parameter`);
      }
      saved.forEach((values, i) => arrays[i].set(values));
    }
  }
}
