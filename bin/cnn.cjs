#!/usr/bin/env node
// Launcher for the esbuild bundle built by `npm run build` (run automatically by `npm ci`).
// CommonJS, like the bundle, so node starts it without its ES module loader.
require('../dist/cli.cjs');
