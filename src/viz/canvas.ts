// An RGB pixel buffer to compose pictures on (filter grids, feature-map sheets) before they are
// encoded as PNG. Grey tiles are drawn enlarged by whole pixels, never smoothed, so every weight
// stays one crisp square, as in the book's figures.

export type Colour = readonly [number, number, number];

export interface Canvas {
  width: number;
  height: number;
  /** width*height*3 bytes, RGB, row-major. */
  data: Uint8Array;
}

/** A grey picture: levels 0 (black) to 255 (white), row-major. */
export interface GreyTile {
  width: number;
  height: number;
  levels: Uint8Array;
}

export function createCanvas(width: number, height: number, background: Colour): Canvas {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`createCanvas: size must be positive integers, got ${width}x${height}`);
  }
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i += 3) data.set(background, i);
  return { width, height, data };
}

/** Fills a rectangle, clipped to the canvas. */
export function fillRectangle(canvas: Canvas, x: number, y: number, width: number, height: number, colour: Colour): void {
  const left = Math.max(0, x);
  const top = Math.max(0, y);
  const right = Math.min(canvas.width, x + width);
  const bottom = Math.min(canvas.height, y + height);
  for (let row = top; row < bottom; row++) {
    for (let column = left; column < right; column++) canvas.data.set(colour, (row * canvas.width + column) * 3);
  }
}

/** Draws a grey tile with its top-left corner at (x, y), each level as a scale x scale square. */
export function drawTile(canvas: Canvas, tile: GreyTile, x: number, y: number, scale: number): void {
  for (let row = 0; row < tile.height; row++) {
    for (let column = 0; column < tile.width; column++) {
      const level = tile.levels[row * tile.width + column];
      fillRectangle(canvas, x + column * scale, y + row * scale, scale, scale, [level, level, level]);
    }
  }
}

/** Reads one pixel back; tests use it to check what was drawn where. */
export function pixelAt(canvas: Canvas, x: number, y: number): Colour {
  const offset = (y * canvas.width + x) * 3;
  return [canvas.data[offset], canvas.data[offset + 1], canvas.data[offset + 2]];
}
