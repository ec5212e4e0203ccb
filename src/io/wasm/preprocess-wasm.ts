// The WebAssembly twin of preprocessDigit (../preprocess.ts), which `cnn predict` runs. It runs once
// per process, cold: interpreted, the TypeScript boxes every float and takes about 100 ms on a
// 160x160 canvas; WebAssembly is compiled in a millisecond and runs near full speed from the first
// call. The twin, assembly/*.as.ts, is ported from the TypeScript function by function and gives
// the same pixels, bit for bit (preprocess-wasm.test.ts). The TypeScript stays the reference, and
// the fallback where WebAssembly is unavailable.

import { Buffer } from 'node:buffer';
import { checkRgbaImage, preprocessDigit, type PreparedDigit, type RgbaImage } from '../preprocess.js';
import { preprocessWasmBase64 } from './preprocess-wasm-bytes.js';

// What assembly/index.as.ts exports; addresses are byte offsets into its own memory.
interface PreprocessExports {
  memory: WebAssembly.Memory;
  startImage(byteLength: number): number;
  prepareDigit(width: number, height: number): number;
  pixelsAddress(): number;
}

const SIDE = 28;
// Every call starts from an empty heap, but memory once grown stays grown: after a huge picture, a
// fresh instance next time hands the memory back.
const KEPT_MEMORY_BYTES = 64 * 1024 * 1024;

// Compiled on first use, so commands that read no image pay nothing; null when unavailable.
let compiled: WebAssembly.Module | null | undefined;
let instance: PreprocessExports | undefined;

/** preprocessDigit, in WebAssembly when the engine has it: same argument, result and RangeError. */
export function preprocessDigitWasm(image: RgbaImage): PreparedDigit {
  checkRgbaImage(image);
  const { width, height, data } = image;
  const wasm = instantiate();
  if (!wasm) return preprocessDigit(image);
  const address = wasm.startImage(data.length);
  new Uint8Array(wasm.memory.buffer, address, data.length).set(data);
  const flags = wasm.prepareDigit(width, height);
  // Views are taken after the call: growing the memory replaces its buffer.
  const pixels = new Float32Array(wasm.memory.buffer, wasm.pixelsAddress(), SIDE * SIDE).slice();
  if (wasm.memory.buffer.byteLength > KEPT_MEMORY_BYTES) instance = undefined;
  return { pixels, inverted: (flags & 1) !== 0, empty: (flags & 2) !== 0 };
}

/** False when this engine cannot run the module; preprocessDigitWasm then runs the TypeScript. */
export function preprocessWasmAvailable(): boolean {
  return instantiate() !== undefined;
}

function instantiate(): PreprocessExports | undefined {
  if (instance) return instance;
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(Buffer.from(preprocessWasmBase64, 'base64'));
    } catch {
      compiled = null;
    }
  }
  if (compiled === null) return undefined;
  // An abort (an allocation too large; in a checked build, an index out of bounds) says where, in the
  // AssemblyScript source.
  const abort = (message: number, file: number, line: number, column: number): never => {
    const { memory } = wasm;
    throw new Error(`preprocess.wasm: ${readString(memory, message)} at ${readString(memory, file)}:${line}:${column}`);
  };
  // The host's own trigonometry, so ruled lines' bins fall exactly where the TypeScript's do.
  const env = { abort, 'Math.cos': Math.cos, 'Math.sin': Math.sin, 'Math.tan': Math.tan };
  const wasm = new WebAssembly.Instance(compiled, { env }).exports as unknown as PreprocessExports;
  instance = wasm;
  return wasm;
}

// An AssemblyScript string is UTF-16, its length in bytes stored just before it.
function readString(memory: WebAssembly.Memory, address: number): string {
  if (address === 0) return '?';
  const bytes = new Uint32Array(memory.buffer, address - 4, 1)[0];
  return Buffer.from(memory.buffer, address, bytes).toString('utf16le');
}
