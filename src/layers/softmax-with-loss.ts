// Softmax and cross-entropy in one layer, kept outside the layer list as the book's last_layer. Scores
// are shifted by their row maximum before exp, and the loss is computed as log-sum-exp minus the true
// score, which never takes log(0); the book's log(y + 1e-7) is the same idea, less exactly.

import { allocate, dtypeOf, formatShape, type Tensor } from '../tensor/tensor.js';

export type Labels = ArrayLike<number>;

export class SoftmaxWithLoss {
  private probabilities: Tensor | undefined;
  private labels: Labels | undefined;

  /** x is (N,K) scores, labels N class indices in [0,K); returns the mean cross-entropy. */
  forward(x: Tensor, labels: Labels): number {
    if (x.shape.length !== 2) throw new RangeError(`SoftmaxWithLoss: scores must be [N,K], got ${formatShape(x.shape)}`);
    const [N, K] = x.shape;
    if (labels.length !== N) throw new RangeError(`SoftmaxWithLoss: ${N} score rows but ${labels.length} labels`);
    const y = allocate(N * K, dtypeOf(x.data));
    let total = 0;
    for (let n = 0; n < N; n++) {
      const label = labels[n];
      if (!Number.isInteger(label) || label < 0 || label >= K) {
        throw new RangeError(`SoftmaxWithLoss: label ${label} at ${n} is not a class in [0,${K})`);
      }
      const logSumExp = softmaxRow(x.data, n * K, K, y);
      total += logSumExp - x.data[n * K + label];
    }
    this.probabilities = { shape: [N, K], data: y };
    this.labels = labels;
    return total / N;
  }

  /** How many rows of the last forward had their true class as the most probable one. */
  countCorrect(): number {
    const y = this.probabilities;
    const labels = this.labels;
    if (y === undefined || labels === undefined) return 0;
    const [N, K] = y.shape;
    let correct = 0;
    for (let n = 0; n < N; n++) if (argmax(y.data, n * K, K) === labels[n]) correct++;
    return correct;
  }

  /** dx = (y - onehot(t)) / N, for the last forward. */
  backward(): Tensor {
    const y = this.probabilities;
    const labels = this.labels;
    if (y === undefined || labels === undefined) throw new Error('SoftmaxWithLoss: backward called before forward');
    const [N, K] = y.shape;
    const dx = allocate(N * K, dtypeOf(y.data));
    for (let i = 0; i < dx.length; i++) dx[i] = y.data[i] / N;
    for (let n = 0; n < N; n++) dx[n * K + labels[n]] -= 1 / N;
    return { shape: [N, K], data: dx };
  }
}

/** Fills out[offset..offset+K) with the softmax of that row of x; returns the row's log-sum-exp. */
export function softmaxRow(x: ArrayLike<number>, offset: number, K: number, out: { [index: number]: number }): number {
  let max = -Infinity;
  for (let k = 0; k < K; k++) max = Math.max(max, x[offset + k]);
  let sum = 0;
  for (let k = 0; k < K; k++) {
    const e = Math.exp(x[offset + k] - max);
    out[offset + k] = e;
    sum += e;
  }
  for (let k = 0; k < K; k++) out[offset + k] /= sum;
  return max + Math.log(sum);
}

export function softmax(x: Tensor): Tensor {
  const [N, K] = x.shape;
  const y = allocate(N * K, dtypeOf(x.data));
  for (let n = 0; n < N; n++) softmaxRow(x.data, n * K, K, y);
  return { shape: [N, K], data: y };
}

/** Index of the largest of values[offset..offset+length), the first one on ties. */
export function argmax(values: ArrayLike<number>, offset: number, length: number): number {
  let best = 0;
  for (let k = 1; k < length; k++) if (values[offset + k] > values[offset + best]) best = k;
  return best;
}
