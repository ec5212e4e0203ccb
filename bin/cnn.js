#!/usr/bin/env node
// Launcher for the esbuild bundle built by `npm run build` (run automatically by `npm ci`).
import '../dist/cli.js';
