// Entry point of the WebAssembly twin of preprocessDigit (../../preprocess.ts). Built with the stub
// runtime, which never frees: each image starts by resetting the heap, so nothing outlives a call
// but the memory's size. The JavaScript side (../preprocess-wasm.ts) asks for the input's bytes,
// writes the RGBA there, runs prepareDigit and reads the 784 floats at pixelsAddress().

import { preprocessDigit } from './preprocess.as';
import { RgbaImage } from './raster.as';

let input = new Uint8Array(0);
let pixels = new Float32Array(0);

/** Empties the heap and returns where to write `byteLength` bytes of RGBA. */
export function startImage(byteLength: i32): usize {
  __reset();
  input = new Uint8Array(byteLength);
  return input.dataStart;
}

/** Preprocesses the RGBA written at startImage's address: bit 0 set when inverted, bit 1 when empty. */
export function prepareDigit(width: i32, height: i32): i32 {
  const digit = preprocessDigit(new RgbaImage(width, height, input));
  pixels = digit.pixels;
  return (digit.inverted ? 1 : 0) | (digit.empty ? 2 : 0);
}

/** Where prepareDigit left the 28x28 floats. */
export function pixelsAddress(): usize {
  return pixels.dataStart;
}
