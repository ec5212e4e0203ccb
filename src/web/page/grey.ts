// Small drawing helpers for the page: a plane of values as a grey canvas, each plane stretched on its
// own from its smallest value (black) to its largest (white), as `cnn activations` draws them.

import { normalise } from '../../viz/tiles.js';

/** A canvas H pixels by W holding the plane; enlarged by CSS, without smoothing. */
export function planeCanvas(values: ArrayLike<number>, height: number, width: number, className = 'tile'): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.className = className;
  paintPlane(canvas, values);
  return canvas;
}

export function paintPlane(canvas: HTMLCanvasElement, values: ArrayLike<number>, levels = normalise(values)): void {
  const context = canvas.getContext('2d') as CanvasRenderingContext2D;
  const image = context.createImageData(canvas.width, canvas.height);
  const pixels = image.data;
  for (let i = 0; i < levels.length; i++) {
    pixels[4 * i] = pixels[4 * i + 1] = pixels[4 * i + 2] = levels[i];
    pixels[4 * i + 3] = 255;
  }
  context.putImageData(image, 0, 0);
}

/** Fixed-width text for a value: enough digits to check a sum by eye, never an exponent. */
export function formatValue(value: number, digits = 4): string {
  const text = value.toFixed(digits);
  // A tiny negative rounds to "-0.0000", which reads as a sign error.
  return /^-0\.0*$/.test(text) ? text.slice(1) : text;
}

export function create<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}
