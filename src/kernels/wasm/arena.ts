// The memory the WebAssembly kernels work in, and the allocator that places the network's float32
// tensors inside it. A tensor that lives here is handed to a kernel as an address: no copy in, no
// copy out. The memory is shared (a SharedArrayBuffer), so growing it never detaches a view and
// worker threads can run the same kernels over the same tensors.
//
// Blocks are recycled by exact size: a network asks for the same few sizes every step. A block goes
// back to its free list when the view that owns it is garbage-collected; so whoever allocates a view
// must keep that view (not only a subarray of it) alive for as long as the memory is in use.

const pageBytes = 65536;
const maximumPages = 32768; // 2 GiB; beyond it allocation falls back to ordinary arrays
const alignment = 64; // a cache line: vectors never straddle two

// Undefined where the engine has no WebAssembly or no shared memory (node --jitless, say): then every
// buffer is an ordinary array and the TypeScript kernels run.
export const memory = sharedMemory();

function sharedMemory(): WebAssembly.Memory | undefined {
  try {
    return new WebAssembly.Memory({ initial: 16, maximum: maximumPages, shared: true });
  } catch {
    return undefined;
  }
}

const arenaBuffers = new WeakSet<ArrayBufferLike>(memory ? [memory.buffer] : []);
const freeBlocks = new Map<number, number[]>();
let top = 0;

const reclaim = new FinalizationRegistry<{ address: number; bytes: number }>(({ address, bytes }) => {
  freeList(bytes).push(address);
});

function freeList(bytes: number): number[] {
  let list = freeBlocks.get(bytes);
  if (list === undefined) {
    list = [];
    freeBlocks.set(bytes, list);
  }
  return list;
}

function roundUp(value: number, step: number): number {
  return Math.ceil(value / step) * step;
}

/** Sets where allocation starts: after the module's own data and the threads' workspaces. */
export function reserveLowMemory(bytes: number): void {
  if (top === 0) top = roundUp(bytes, alignment);
}

function allocateBytes(memory: WebAssembly.Memory, bytes: number): number | undefined {
  const recycled = freeBlocks.get(bytes)?.pop();
  if (recycled !== undefined) return recycled;
  const address = top;
  const end = address + bytes;
  const missing = end - memory.buffer.byteLength;
  if (missing > 0) {
    const pages = Math.ceil(missing / pageBytes);
    if (memory.buffer.byteLength / pageBytes + pages > maximumPages) return undefined;
    memory.grow(pages);
  }
  top = roundUp(end, alignment);
  return address;
}

function allocateView<T extends Float32Array | Int32Array | Uint8Array>(
  length: number,
  View: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T; BYTES_PER_ELEMENT: number },
): T | undefined {
  if (memory === undefined) return undefined;
  const bytes = roundUp(Math.max(length, 1) * View.BYTES_PER_ELEMENT, alignment);
  const address = allocateBytes(memory, bytes);
  if (address === undefined) return undefined;
  const buffer = memory.buffer;
  arenaBuffers.add(buffer);
  const view = new View(buffer, address, length);
  reclaim.register(view, { address, bytes });
  return view;
}

/** length float32 values inside the arena (contents undefined), or undefined when it is full. */
export function arenaFloat32(length: number): Float32Array | undefined {
  return allocateView(length, Float32Array);
}

export function arenaInt32(length: number): Int32Array | undefined {
  return allocateView(length, Int32Array);
}

export function arenaUint8(length: number): Uint8Array | undefined {
  return allocateView(length, Uint8Array);
}

/** Byte address of a view that lives in the arena, or -1 for an ordinary array. */
export function addressOf(view: ArrayBufferView): number {
  return arenaBuffers.has(view.buffer) ? view.byteOffset : -1;
}

/** Bytes handed out so far, for the benchmark's memory report. */
export function arenaBytes(): number {
  return top;
}
