// Which 8-connected pieces of ink belong to the digit, ported from ../../pieces.ts. Lists of piece
// numbers are Int32Arrays cut to length where the TypeScript filters an array.

import { Raster } from './raster.as';

class Piece {
  mass: f64 = 0; // total ink
  edge: i32 = 0; // pixels on the image's border
  sides: i32 = 0; // which borders it touches: 1 left, 2 right, 4 top, 8 bottom
  strength: f64 = 0; // darkest level, 0..1
}

class Labelled {
  constructor(public labels: Int32Array, public pieces: Array<Piece>) {}
}

const SUBSTANTIAL = 0.05;
const FAINT = 0.5;
const CLEAR = 0.3;
const REACH = 2;

function labelPieces(ink: Raster): Labelled {
  const width = ink.width;
  const height = ink.height;
  const values = ink.values;
  const labels = new Int32Array(width * height).fill(-1);
  const pieces = new Array<Piece>();
  const stack = new Int32Array(values.length);
  for (let seed = 0; seed < values.length; seed++) {
    if (values[seed] == 0 || labels[seed] >= 0) continue;
    const piece = new Piece();
    labels[seed] = pieces.length;
    let top = 0;
    stack[top++] = seed;
    while (top > 0) {
      const index = stack[--top];
      const x = index % width;
      const y = (index - x) / width;
      piece.mass += <f64>values[index];
      piece.strength = Math.max(piece.strength, <f64>values[index]);
      const sides = (x == 0 ? 1 : 0) | (x == width - 1 ? 2 : 0) | (y == 0 ? 4 : 0) | (y == height - 1 ? 8 : 0);
      if (sides != 0) {
        piece.edge++;
        piece.sides |= sides;
      }
      for (let ny = max(0, y - 1); ny <= min(height - 1, y + 1); ny++) {
        for (let nx = max(0, x - 1); nx <= min(width - 1, x + 1); nx++) {
          const neighbour = ny * width + nx;
          if (values[neighbour] > 0 && labels[neighbour] < 0) {
            labels[neighbour] = pieces.length;
            stack[top++] = neighbour;
          }
        }
      }
    }
    pieces.push(piece);
  }
  return new Labelled(labels, pieces);
}

// Of `candidates`, those not faint next to the strongest, and of those the substantial ones.
function selectPieces(pieces: Array<Piece>, candidates: Int32Array): Int32Array {
  let strongest: f64 = 0;
  for (let k = 0; k < candidates.length; k++) strongest = Math.max(strongest, pieces[candidates[k]].strength);
  const clear = new Int32Array(candidates.length);
  let clearCount = 0;
  for (let k = 0; k < candidates.length; k++) if (pieces[candidates[k]].strength >= FAINT * strongest) clear[clearCount++] = candidates[k];
  let largest: f64 = 0;
  for (let k = 0; k < clearCount; k++) largest = Math.max(largest, pieces[clear[k]].mass);
  const substantial = new Int32Array(clearCount);
  let count = 0;
  for (let k = 0; k < clearCount; k++) if (pieces[clear[k]].mass >= SUBSTANTIAL * largest) substantial[count++] = clear[k];
  return substantial.subarray(0, count);
}

// A piece along the image's edge or across the whole picture.
function onEdge(piece: Piece, ink: Raster): bool {
  return <f64>piece.edge > <f64>min(ink.width, ink.height) / 4 || (piece.sides & 3) == 3 || (piece.sides & 12) == 12;
}

// See mainPieces in pieces.ts. Null when no ink.
export function mainPieces(ink: Raster): Uint8Array | null {
  const labelled = labelPieces(nearClearInk(ink));
  const labels = labelled.labels;
  const pieces = labelled.pieces;
  if (pieces.length == 0) return null;
  const every = new Int32Array(pieces.length);
  for (let piece = 0; piece < pieces.length; piece++) every[piece] = piece;
  const all = selectPieces(pieces, every);
  const inside = new Int32Array(all.length);
  let insideCount = 0;
  for (let k = 0; k < all.length; k++) if (!onEdge(pieces[all[k]], ink)) inside[insideCount++] = all[k];
  const kept = new Uint8Array(pieces.length);
  const chosen = insideCount > 0 ? selectPieces(pieces, inside.subarray(0, insideCount)) : all;
  for (let k = 0; k < chosen.length; k++) kept[chosen[k]] = 1;
  const mask = new Uint8Array(labels.length);
  for (let index = 0; index < labels.length; index++) mask[index] = labels[index] >= 0 ? kept[labels[index]] : 0;
  return mask;
}

function nearClearInk(ink: Raster): Raster {
  const width = ink.width;
  const height = ink.height;
  const values = ink.values;
  const near = values.slice();
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const level = values[y * width + x];
      if (level == 0 || <f64>level >= CLEAR) continue;
      let found = false;
      for (let v = max(0, y - REACH); v <= min(height - 1, y + REACH) && !found; v++) {
        for (let u = max(0, x - REACH); u <= min(width - 1, x + REACH) && !found; u++) found = <f64>values[v * width + u] >= CLEAR;
      }
      if (!found) near[y * width + x] = 0;
    }
  }
  return new Raster(width, height, near);
}
