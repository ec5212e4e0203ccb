// Splits the ink into 8-connected pieces and decides which belong to the digit: not specks, not the
// edge of whatever lies beside the paper, not a line across the whole picture, not the faint trace
// a shadow's edge leaves behind.

import type { Raster } from './raster.js';

interface Piece {
  mass: number; // total ink
  edge: number; // pixels on the image's border
  sides: number; // which borders it touches: 1 left, 2 right, 4 top, 8 bottom
  strength: number; // darkest level, 0..1
}

// A 5's separate cap has well over this share of the largest piece's ink; dust does not.
const SUBSTANTIAL = 0.05;
// One pen draws the whole digit, so its pieces are about equally dark; the corner of a shadow or
// a crease is at most half as dark as the ink.
const FAINT = 0.5;
// A stroke's faint rim lies within a pixel or two of its dark core; such a trace is faint all
// along, even where it touches the digit. Ink further than REACH from any level above CLEAR goes.
const CLEAR = 0.3;
const REACH = 2;

// Each pixel's piece (-1 where there is no ink), and each piece's mass, border contact and strength.
function labelPieces({ width, height, values }: Raster): { labels: Int32Array; pieces: Piece[] } {
  const labels = new Int32Array(width * height).fill(-1);
  const pieces: Piece[] = [];
  const stack = new Int32Array(values.length);
  for (let seed = 0; seed < values.length; seed++) {
    if (values[seed] === 0 || labels[seed] >= 0) continue;
    const piece: Piece = { mass: 0, edge: 0, sides: 0, strength: 0 };
    labels[seed] = pieces.length;
    let top = 0;
    stack[top++] = seed;
    while (top > 0) {
      const index = stack[--top];
      const x = index % width;
      const y = (index - x) / width;
      piece.mass += values[index];
      piece.strength = Math.max(piece.strength, values[index]);
      const sides = (x === 0 ? 1 : 0) | (x === width - 1 ? 2 : 0) | (y === 0 ? 4 : 0) | (y === height - 1 ? 8 : 0);
      if (sides !== 0) {
        piece.edge++;
        piece.sides |= sides;
      }
      for (let ny = Math.max(0, y - 1); ny <= Math.min(height - 1, y + 1); ny++) {
        for (let nx = Math.max(0, x - 1); nx <= Math.min(width - 1, x + 1); nx++) {
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
  return { labels, pieces };
}

// Keeps the pieces that are not faint next to the strongest, and of those the substantial ones. A
// piece running along the image's edge (a dark table or a scanner's border beside the paper) or
// across the whole picture (a shadow's edge, a margin line) gives way to any substantial piece
// inside, but is kept when there is none, as for a digit cropped tight. Null when no ink.
export function mainPieces(ink: Raster): Uint8Array | null {
  const { labels, pieces } = labelPieces(nearClearInk(ink));
  if (pieces.length === 0) return null;
  const select = (candidates: number[]): number[] => {
    const strongest = candidates.reduce((most, piece) => Math.max(most, pieces[piece].strength), 0);
    const clear = candidates.filter((piece) => pieces[piece].strength >= FAINT * strongest);
    const largest = clear.reduce((most, piece) => Math.max(most, pieces[piece].mass), 0);
    return clear.filter((piece) => pieces[piece].mass >= SUBSTANTIAL * largest);
  };
  const all = select(pieces.map((_, piece) => piece));
  const onEdge = ({ edge, sides }: Piece): boolean => edge > Math.min(ink.width, ink.height) / 4 || (sides & 3) === 3 || (sides & 12) === 12;
  const inside = all.filter((piece) => !onEdge(pieces[piece]));
  const kept = new Uint8Array(pieces.length);
  for (const piece of inside.length > 0 ? select(inside) : all) kept[piece] = 1;
  const mask = new Uint8Array(labels.length);
  for (let index = 0; index < labels.length; index++) mask[index] = labels[index] >= 0 ? kept[labels[index]] : 0;
  return mask;
}

function nearClearInk({ width, height, values }: Raster): Raster {
  const near = values.slice();
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const level = values[y * width + x];
      if (level === 0 || level >= CLEAR) continue;
      let found = false;
      for (let v = Math.max(0, y - REACH); v <= Math.min(height - 1, y + REACH) && !found; v++) {
        for (let u = Math.max(0, x - REACH); u <= Math.min(width - 1, x + REACH) && !found; u++) found = values[v * width + u] >= CLEAR;
      }
      if (!found) near[y * width + x] = 0;
    }
  }
  return { width, height, values: near };
}
