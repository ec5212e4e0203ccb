// The one geometry helper: every layer and kernel sizes its output through convOutSize, so a geometry
// that does not tile the input evenly fails at construction with the layer and the numbers named.

export class GeometryError extends Error {
  override name = 'GeometryError';
}

export function convOutSize(
  inputSize: number,
  filterSize: number,
  stride: number,
  pad: number,
  where = 'layer',
): number {
  for (const [label, value, minimum] of [
    ['input size', inputSize, 1],
    ['filter size', filterSize, 1],
    ['stride', stride, 1],
    ['pad', pad, 0],
  ] as const) {
    if (!Number.isInteger(value) || value < minimum) {
      throw new GeometryError(`${where}: ${label} must be an integer >= ${minimum}, got ${value}`);
    }
  }
  const span = inputSize + 2 * pad - filterSize;
  if (span < 0) {
    throw new GeometryError(
      `${where}: filter ${filterSize} is larger than input ${inputSize} with pad ${pad}`,
    );
  }
  if (span % stride !== 0) {
    throw new GeometryError(
      `${where}: output size (${inputSize} + 2*${pad} - ${filterSize}) / ${stride} + 1 = ` +
        `${span / stride + 1} is not an integer`,
    );
  }
  return span / stride + 1;
}
