// Data augmentation for training batches: every image is shifted by a few whole pixels and rotated by
// a few degrees before the network sees it, drawn afresh from the seeded Random each time, so an epoch
// never shows exactly the same 60 000 images twice yet a run is still reproducible from --seed.
//
// Why these two transforms: on LeCun's MNIST table the entries that went below 0.5% test error
// (the deformation-trained convolutional nets and their committees) got there by training on distorted
// copies; small translations and rotations are the part of that which costs nothing to implement and
// moves a plain CNN the most. Rotations stay small (10 degrees by default) so that a 6 does not become
// a 9 nor a 1 a 7: the label has to remain true for the transformed image. Resampling is bilinear rather
// than nearest-pixel so that thin strokes are spread over neighbouring pixels instead of being dropped,
// and the total ink of a digit survives the rotation.
//
// Convention. Images are [rows, columns], row 0 at the top, values in [0,1] with background 0. The
// forward transform rotates the image about its centre ((rows-1)/2, (columns-1)/2) by the angle,
// counterclockwise as the image is displayed for a positive angle, then shifts it by dx columns to the
// right and dy rows down. It is applied by inverse mapping: each target pixel (r, c) subtracts the
// shift, rotates back about the centre to a source coordinate, and reads the source there by bilinear
// interpolation, zero outside the image. When that coordinate is integral (angle 0, or a quarter turn of
// an image whose centre is a pixel) the neighbours with weight zero are skipped, so the pixel value is
// copied bit for bit; an integer shift without rotation is an exact shifted copy.

import type { Random } from '../tensor/random.js';

export interface AugmentOptions {
  /** Largest shift in whole pixels along each axis; dx and dy are uniform integers in [-maxShift, maxShift]. */
  maxShift: number;
  /** Largest rotation; the angle is uniform in [-maxRotationDegrees, +maxRotationDegrees] degrees. */
  maxRotationDegrees: number;
}

export const defaultAugment: AugmentOptions = { maxShift: 2, maxRotationDegrees: 10 };

/**
 * cos and sin of the angles a quarter turn apart are not exactly 0 in floating point
 * (Math.cos(Math.PI / 2) is 6e-17); such residues are set to 0 so a quarter turn maps pixels onto pixels.
 */
const NEGLIGIBLE = 1e-12;

/** Writes a randomly shifted and rotated copy of each of the `count` images of `source` into `target`. */
export function augmentBatch(
  source: Float32Array,
  target: Float32Array,
  count: number,
  rows: number,
  columns: number,
  random: Random,
  options: AugmentOptions = defaultAugment,
): void {
  checkGeometry('augmentBatch', count, rows, columns);
  const { maxShift, maxRotationDegrees } = options;
  if (!Number.isInteger(maxShift) || maxShift < 0) {
    throw new RangeError(`augmentBatch: maxShift must be a non-negative integer, got ${maxShift}`);
  }
  if (!Number.isFinite(maxRotationDegrees) || maxRotationDegrees < 0) {
    throw new RangeError(`augmentBatch: maxRotationDegrees must be a non-negative finite number, got ${maxRotationDegrees}`);
  }
  const size = rows * columns;
  const needed = count * size;
  if (source.length < needed || target.length < needed) {
    throw new RangeError(
      `augmentBatch: ${count} images of ${rows}x${columns} need ${needed} floats, got source ${source.length} and target ${target.length}`,
    );
  }
  checkDisjoint('augmentBatch', source, 0, target, 0, needed);
  const shifts = 2 * maxShift + 1;
  const maxRadians = (maxRotationDegrees * Math.PI) / 180;
  for (let n = 0; n < count; n++) {
    // Always three draws per image, in this order, whatever the options, so the stream is predictable.
    const dx = random.integer(shifts) - maxShift;
    const dy = random.integer(shifts) - maxShift;
    const angle = (2 * random.uniform() - 1) * maxRadians;
    transform(source, n * size, target, n * size, rows, columns, dx, dy, angle);
  }
}

/**
 * Writes one image of source (starting at sourceOffset) into target (at targetOffset), rotated by
 * angleRadians about the centre (counterclockwise as displayed) and then shifted dx columns right and
 * dy rows down, by bilinear inverse mapping. Exported for tests and for callers that choose the transform.
 */
export function transformImage(
  source: Float32Array,
  sourceOffset: number,
  target: Float32Array,
  targetOffset: number,
  rows: number,
  columns: number,
  dx: number,
  dy: number,
  angleRadians: number,
): void {
  checkGeometry('transformImage', 1, rows, columns);
  const size = rows * columns;
  for (const [label, offset, array] of [
    ['source', sourceOffset, source],
    ['target', targetOffset, target],
  ] as const) {
    if (!Number.isInteger(offset) || offset < 0 || offset + size > array.length) {
      throw new RangeError(
        `transformImage: ${label} offset ${offset} with ${size} pixels does not fit the ${label} of ${array.length}`,
      );
    }
  }
  for (const [label, value] of [
    ['dx', dx],
    ['dy', dy],
    ['angle', angleRadians],
  ] as const) {
    if (!Number.isFinite(value)) throw new RangeError(`transformImage: ${label} must be finite, got ${value}`);
  }
  checkDisjoint('transformImage', source, sourceOffset, target, targetOffset, size);
  transform(source, sourceOffset, target, targetOffset, rows, columns, dx, dy, angleRadians);
}

/** transformImage without the checks; allocates nothing. */
function transform(
  source: Float32Array,
  sourceOffset: number,
  target: Float32Array,
  targetOffset: number,
  rows: number,
  columns: number,
  dx: number,
  dy: number,
  angle: number,
): void {
  let cos = Math.cos(angle);
  let sin = Math.sin(angle);
  if (Math.abs(cos) < NEGLIGIBLE) cos = 0;
  if (Math.abs(sin) < NEGLIGIBLE) sin = 0;
  const centreRow = (rows - 1) / 2;
  const centreColumn = (columns - 1) / 2;
  const lastRow = rows - 1;
  const lastColumn = columns - 1;
  for (let r = 0; r < rows; r++) {
    // Target pixel relative to the centre, shift removed: (u, v) = (c - dx - centreColumn, r - dy - centreRow).
    // Source coordinate: x = centreColumn + u cos - v sin, y = centreRow + u sin + v cos.
    const v = r - dy - centreRow;
    const rowX = centreColumn - v * sin;
    const rowY = centreRow + v * cos;
    const targetRow = targetOffset + r * columns;
    for (let c = 0; c < columns; c++) {
      const u = c - dx - centreColumn;
      const x = rowX + u * cos;
      const y = rowY + u * sin;
      let value = 0;
      if (x > -1 && x < columns && y > -1 && y < rows) {
        const x0 = Math.floor(x);
        const y0 = Math.floor(y);
        const fx = x - x0;
        const fy = y - y0;
        const top = sourceOffset + y0 * columns + x0;
        // Each neighbour is read only if it has a nonzero weight and lies inside the image.
        if (y0 >= 0) {
          if (x0 >= 0 && fx < 1 && fy < 1) value += (1 - fx) * (1 - fy) * source[top];
          if (fx > 0 && x0 < lastColumn && fy < 1) value += fx * (1 - fy) * source[top + 1];
        }
        if (fy > 0 && y0 < lastRow) {
          if (x0 >= 0 && fx < 1) value += (1 - fx) * fy * source[top + columns];
          if (fx > 0 && x0 < lastColumn) value += fx * fy * source[top + columns + 1];
        }
      }
      target[targetRow + c] = value;
    }
  }
}

function checkGeometry(where: string, count: number, rows: number, columns: number): void {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`${where}: count must be a non-negative integer, got ${count}`);
  }
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(columns) || columns < 1) {
    throw new RangeError(`${where}: rows and columns must be positive integers, got ${rows}x${columns}`);
  }
}

/** In place would read pixels already overwritten, so source and target must not share the floats in use. */
function checkDisjoint(
  where: string,
  source: Float32Array,
  sourceOffset: number,
  target: Float32Array,
  targetOffset: number,
  length: number,
): void {
  if (source.buffer !== target.buffer || length === 0) return;
  const sourceStart = source.byteOffset + sourceOffset * 4;
  const targetStart = target.byteOffset + targetOffset * 4;
  const bytes = length * 4;
  if (sourceStart < targetStart + bytes && targetStart < sourceStart + bytes) {
    throw new RangeError(
      `${where}: source and target overlap (bytes ${sourceStart}..${sourceStart + bytes} and ${targetStart}..${targetStart + bytes} of one buffer); augmenting in place would read overwritten pixels`,
    );
  }
}
