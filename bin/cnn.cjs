#!/usr/bin/env node
// Launcher for the esbuild bundle built by `npm run build` (run automatically by `npm ci`).
//
// It runs dist/cli.cjs from V8's code cache, dist/cli.cjs.cache, which the build writes after a
// `cnn predict` of a sample digit: the bundle's functions then need no compiling, which saves about
// 25 ms of the 130 ms a prediction takes. The cache starts with two SHA-256 digests, of the bundle
// it was made from and of the cache data after them, and is used only when both match: V8 checks
// no more than a cache's length and its own version, and runs whatever bytecode it is given. With no
// cache, or anything amiss, the bundle is compiled as usual. With --enable-source-maps it is simply
// required, so stack traces (--debug) point into the TypeScript.
//
// CNN_WRITE_CODE_CACHE=1 (set only by scripts/build.js) writes the cache when the command ends well;
// CNN_REPORT_CODE_CACHE=1 says on stderr whether V8 took it (for the tests).
'use strict';

const { createHash } = require('node:crypto');
const { readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

const bundle = join(__dirname, '..', 'dist', 'cli.cjs');
const cacheFile = `${bundle}.cache`;
const digestBytes = 32;

function sha256(data) {
  return createHash('sha256').update(data).digest();
}

/** The V8 cache data made from `source`, or undefined when there is none or it is not intact. */
function readCache(source) {
  let cache;
  try {
    cache = readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  if (cache.length <= 2 * digestBytes) return undefined;
  const data = cache.subarray(2 * digestBytes);
  const made = cache.subarray(0, digestBytes).equals(sha256(source));
  const intact = cache.subarray(digestBytes, 2 * digestBytes).equals(sha256(data));
  return made && intact ? data : undefined;
}

function writeCache(source, script) {
  const data = script.createCachedData();
  // Written whole under another name first, so no process ever reads half a cache.
  const partial = `${cacheFile}.${process.pid}.partial`;
  try {
    writeFileSync(partial, Buffer.concat([sha256(source), sha256(data), data]));
    renameSync(partial, cacheFile);
  } finally {
    rmSync(partial, { force: true });
  }
}

// process.sourceMapsEnabled arrived in Node 20.7; before it, the flag itself says so.
function sourceMapsWanted() {
  if (process.sourceMapsEnabled !== undefined) return process.sourceMapsEnabled;
  return [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].includes('--enable-source-maps');
}

function run() {
  let source;
  try {
    source = readFileSync(bundle, 'utf8');
  } catch {
    require(bundle); // fails with node's own message: the package was not built
    return;
  }
  if (sourceMapsWanted()) {
    require(bundle);
    return;
  }
  // V8 stamps a code cache with its flags and refuses it under others. The kernels switch on relaxed
  // SIMD (src/kernels/wasm/kernel-module.ts) while the command runs, so that flag is set here
  // first: the cache is then made and read under the same flags.
  require('node:v8').setFlagsFromString('--experimental-wasm-relaxed-simd');
  const writing = process.env.CNN_WRITE_CODE_CACHE === '1';
  const cachedData = writing ? undefined : readCache(source);
  const script = new Script(Module.wrap(source), { filename: bundle, cachedData });
  if (process.env.CNN_REPORT_CODE_CACHE === '1') {
    process.stderr.write(`code cache: ${cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used'}\n`);
  }
  // The same wrapper and arguments node's own loader gives a CommonJS file.
  const module = new Module(bundle, null);
  module.filename = bundle;
  script.runInThisContext().call(module.exports, module.exports, Module.createRequire(bundle), module, bundle, dirname(bundle));
  if (writing) {
    process.on('exit', (code) => {
      if (code === 0) writeCache(source, script);
    });
  }
}

run();
