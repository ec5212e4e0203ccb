// Node's Buffer for the page, from the `buffer` package (the same API over a Uint8Array): the snapshot
// reader decodes base64 tensors and the WebAssembly loaders their modules with it. The page build
// injects it as the global `Buffer` and resolves `node:buffer` here.
//
// Base64 text goes through the browser's own decoder where it has one (Uint8Array.fromBase64): a
// snapshot is megabytes of base64, and the package's decoder took a third of the page's start-up.
// Text the strict native decoder refuses takes the package's lenient one, whose result the
// snapshot reader checks as it checks Node's.

import { Buffer } from 'buffer';

const native = (Uint8Array as unknown as { fromBase64?: (text: string) => Uint8Array }).fromBase64;
const lenientFrom = Buffer.from.bind(Buffer) as (...args: unknown[]) => Buffer;

if (native !== undefined) {
  (Buffer as unknown as { from: (...args: unknown[]) => Buffer }).from = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[1] === 'base64') {
      try {
        const bytes = native(args[0]);
        return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
      } catch {
        return lenientFrom(...args);
      }
    }
    return lenientFrom(...args);
  };
}

export { Buffer };
