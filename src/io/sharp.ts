// sharp (libvips) is native and slow to load, so only the commands that decode or encode a picture
// load it, when they first need it. Through require rather than import(): the command line runs
// from V8's code cache (bin/cnn.cjs), where a dynamic import() would have no module loader to call.

import { createRequire } from 'node:module';
import type sharpFunction from 'sharp';

export function loadSharp(): typeof sharpFunction {
  return createRequire(import.meta.url)('sharp') as typeof sharpFunction;
}
