#!/usr/bin/env node
// Launcher for the esbuild bundle built by `npm run build` (run automatically by `npm ci`).
//
// It runs dist/cli.cjs from V8's code cache, dist/cli.cjs.cache, which the build writes after a
// `cnn predict` of a sample digit: the bundle's functions then need no compiling, which saves about
// 30 ms of the 150 ms a prediction takes. The cache starts with the SHA-256 of the bundle it was
// made from and is used only with that very bundle; V8 itself refuses a cache from another version
// or other flags and compiles as usual. With no cache, or anything amiss, the bundle is required.
//
// CNN_WRITE_CODE_CACHE=1 (set only by scripts/build.js) writes the cache when the command ends.
'use strict';

const { createHash } = require('node:crypto');
const { readFileSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

const bundle = join(__dirname, '..', 'dist', 'cli.cjs');
const cacheFile = `${bundle}.cache`;
const hashBytes = 32;

function readCache(source) {
  let cache;
  try {
    cache = readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  const made = cache.subarray(0, hashBytes);
  return made.length === hashBytes && made.equals(hashOf(source)) ? cache.subarray(hashBytes) : undefined;
}

function hashOf(source) {
  return createHash('sha256').update(source).digest();
}

function run() {
  let source;
  try {
    source = readFileSync(bundle, 'utf8');
  } catch {
    require(bundle); // fails with node's own message: the package was not built
    return;
  }
  const writing = process.env.CNN_WRITE_CODE_CACHE === '1';
  const script = new Script(Module.wrap(source), { filename: bundle, cachedData: writing ? undefined : readCache(source) });
  // The same wrapper and arguments node's own loader gives a CommonJS file.
  const module = new Module(bundle, null);
  module.filename = bundle;
  script.runInThisContext().call(module.exports, module.exports, Module.createRequire(bundle), module, bundle, dirname(bundle));
  if (writing) {
    process.on('exit', () => writeFileSync(cacheFile, Buffer.concat([hashOf(source), script.createCachedData()])));
  }
}

run();
