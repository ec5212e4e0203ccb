// Node's Buffer for the page, from the `buffer` package (the same API over a Uint8Array): the snapshot
// reader decodes base64 tensors and the WebAssembly loaders their modules with it. The page build
// injects it as the global `Buffer` and resolves `node:buffer` here.

export { Buffer } from 'buffer';
