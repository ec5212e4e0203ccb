// Which build of the kernel module runs, compiled once: every thread instantiates this same module.
// Two builds come from the same AssemblyScript (scripts/build-wasm.js): plain SIMD, and relaxed SIMD,
// whose inner loops fuse each multiply and add (assembly/simd.as.ts). The relaxed build is about 1.4x
// faster in the matrix product where the CPU has FMA, but rounds once where the plain one rounds
// twice, so the two give slightly different numbers; each is reproducible on its own.
// CNN_KERNELS=simd asks for the plain build (for instance to compare results across machines);
// CNN_KERNELS=relaxed, or nothing, for the relaxed one where the engine has it.

import { Buffer } from 'node:buffer';
import { memory } from './arena.js';
import { kernelsRelaxedWasmBase64 } from './kernels-relaxed-wasm-bytes.js';
import { kernelsWasmBase64 } from './kernels-wasm-bytes.js';

export type KernelBuild = 'wasm-relaxed-simd' | 'wasm-simd';

// Decoded only when tried: start-up pays for the build that runs.
const plainBytes = () => Buffer.from(kernelsWasmBase64, 'base64');
const relaxedBytes = () => Buffer.from(kernelsRelaxedWasmBase64, 'base64');

// Node 20's V8 has relaxed SIMD behind a flag (on by default from V8 11.4, Node 22); the flag must be
// set before the module is validated. process.getBuiltinModule keeps this file free of a static
// node: import that a browser bundle could not resolve; where it is missing the plain build runs.
function enableRelaxedSimd(): void {
  try {
    const v8 = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process?.getBuiltinModule?.('node:v8');
    (v8 as { setFlagsFromString?: (flags: string) => void } | undefined)?.setFlagsFromString?.('--experimental-wasm-relaxed-simd');
  } catch {
    // An engine that refuses the flag validates only the plain build.
  }
}

const wanted = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.CNN_KERNELS;

/** What is wrong with CNN_KERNELS, for the command line to say; undefined when it is fine. */
export function kernelRequestProblem(): string | undefined {
  return wanted === undefined || ['', 'simd', 'relaxed'].includes(wanted) ? undefined : `must be simd or relaxed, got "${wanted}"`;
}

function chooseBuild(): { build: KernelBuild; bytes: ReturnType<typeof plainBytes> } | undefined {
  // No shared memory means no WebAssembly here at all (arena.ts).
  if (memory === undefined) return undefined;
  if (wanted !== 'simd') {
    enableRelaxedSimd();
    const bytes = relaxedBytes();
    if (WebAssembly.validate(bytes)) return { build: 'wasm-relaxed-simd', bytes };
  }
  const bytes = plainBytes();
  return WebAssembly.validate(bytes) ? { build: 'wasm-simd', bytes } : undefined;
}

const chosen = chooseBuild();
/** The build that runs, or undefined where this engine runs no WebAssembly SIMD. */
export const kernelBuild: KernelBuild | undefined = chosen?.build;
export const kernelsModule: WebAssembly.Module | undefined = chosen ? new WebAssembly.Module(chosen.bytes) : undefined;
